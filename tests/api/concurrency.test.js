'use strict';
/*
 * concurrency.test.js - several server processes on one database, and an
 * online backup while the server writes.
 *
 * Two servers share one database (on PostgreSQL the multi-site set-up of
 * docs/operations.md; on SQLite two processes on one file) and take writes
 * at the same time. Every write must succeed once, and the audit trail must
 * remain one unbroken chain: `bloodops audit verify` accepts it and counts
 * every record.
 */
const assert = require('node:assert/strict');
const { test } = require('node:test');
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
const { startServer, ADMIN_PASSWORD, BINARY, BACKEND } = require('./lib/server');

function auditCount(srv) {
  const r = srv.cli('audit', 'verify');
  assert.equal(r.status, 0, `audit verify: ${r.stdout} ${r.stderr}`);
  const match = /intact: (\d+) records verified/.exec(r.stdout);
  assert.ok(match, r.stdout);
  return Number(match[1]);
}

test('two server processes writing to one database keep one valid audit chain', async () => {
  const first = await startServer();
  const second = await startServer({ db: first.db });
  try {
    const admin = await first.login('admin', ADMIN_PASSWORD);
    const before = auditCount(first);
    const writes = [];
    for (let i = 0; i < 40; i += 1) {
      const server = i % 2 === 0 ? first : second;
      const code = `P${String(i).padStart(3, '0')}`;
      writes.push(server.api('POST', '/api/v1/markets', { token: admin.token, body: { code, name: `Market ${i}` } }));
      writes.push(
        server.api('POST', '/api/v1/hospitals', { token: admin.token, body: { code: `H${code}`, name: `Hospital ${i}` } }),
      );
    }
    const answers = await Promise.all(writes);
    for (const answer of answers) assert.equal(answer.status, 201, answer.text);

    await second.stop();
    await first.stop({ keepDir: true });
    const after = auditCount(first);
    assert.equal(after, before + 80, 'one audit record per write, none lost, none doubled');
    const log = JSON.parse(first.cli('audit', 'log', '--format', 'json').stdout);
    log.forEach((record, index) => assert.equal(record.seq, index + 1, 'seq runs without gaps'));
  } finally {
    await second.stop().catch(() => {});
    first.cleanup();
  }
});

test('bloodops backup copies a SQLite database that the server is writing to', async (t) => {
  if (BACKEND !== 'sqlite') {
    t.skip('PostgreSQL is backed up with pg_dump (docs/operations.md)');
    return;
  }
  const srv = await startServer();
  try {
    const admin = await srv.login('admin', ADMIN_PASSWORD);
    const copy = path.join(srv.dir, 'backup.db');
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing && written < 400) {
        const r = await srv.api('POST', '/api/v1/markets', {
          token: admin.token,
          body: { code: `B${written}`, name: `Backup market ${written}` },
        });
        assert.equal(r.status, 201, r.text);
        written += 1;
      }
    })();
    // Let some writes land, then back up while they go on.
    while (written < 20) await new Promise((resolve) => setTimeout(resolve, 5));
    const backup = await new Promise((resolve) => {
      const child = spawn(BINARY, ['backup', '--db', srv.db, copy], { encoding: 'utf8' });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    const writtenDuringBackup = written;
    writing = false;
    await writer;
    assert.equal(backup.code, 0, backup.stderr);
    assert.ok(written > 20, 'the server kept writing');

    // The copy opens and its audit trail verifies.
    const verify = spawnSync(BINARY, ['audit', 'verify', '--db', copy], { encoding: 'utf8' });
    assert.equal(verify.status, 0, `${verify.stdout} ${verify.stderr}`);
    const markets = JSON.parse(
      spawnSync(BINARY, ['market', 'list', '--db', copy, '--format', 'json'], { encoding: 'utf8' }).stdout,
    );
    assert.ok(markets.length >= 20 && markets.length <= writtenDuringBackup + 1, `${markets.length} markets`);

    // A second backup to the same file is refused; nothing is overwritten.
    const again = spawnSync(BINARY, ['backup', '--db', srv.db, copy], { encoding: 'utf8' });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists/);
  } finally {
    await srv.stop();
  }
});
