'use strict';
/*
 * backup.test.js - `bloodops backup` of a SQLite database while collections
 * are written without pause (about 500 a second, through the API): the
 * backup finishes, the copy passes PRAGMA integrity_check and `bloodops
 * audit verify`, and it holds every collection acknowledged before the
 * backup began (and none that was never acknowledged). Until the copy was
 * taken in one step, every commit of the server sent the copy back to its
 * start, and under such a load it never ended. PostgreSQL is backed up
 * with its own tools (`bloodops backup` refuses it, see docs/operations.md),
 * so this file runs on SQLite only.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const chain = require('./lib/chain');
const { startServer, ADMIN_PASSWORD, BINARY } = require('./lib/server');

const SQLITE = !process.env.BLOODOPS_TEST_POSTGRES;
const DONORS = Number(process.env.BACKUP_TEST_DONORS || 400000); // a database of a hundred megabytes or so, as after some years of use
const WRITERS = Number(process.env.BACKUP_TEST_WRITERS || 32);
const TARGET_PER_SECOND = 500;
const BACKUP_DEADLINE_MS = 60000;

let srv;
let admin;

before(async () => {
  if (!SQLITE) return;
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  await chain.setupCenter(srv, admin);
  // Donors straight into the table: registering them one by one through
  // the API is tested elsewhere and would take minutes here.
  const r = srv.sql(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${DONORS}) ` +
    'INSERT INTO donors (donor_number, family_name, given_name, name_key, birth_date, sex, phone, email, address, created_at, updated_at) ' +
    "SELECT printf('D%07d', 1000000 + i), 'Backup', 'Donor ' || i, 'backup|donor ' || i, '1980-01-01', 'F', " +
    "'555-0100', 'donor' || i || '@example.org', i || ' Sample Street, Springfield', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM n");
  assert.equal(r.status, 0, r.stderr);
});

after(async () => {
  if (srv) await srv.stop();
});

/* Collections written by WRITERS loops, paced to about TARGET_PER_SECOND
 * in all, each for a donor of its own, until stop() is called: the DINs
 * acknowledged, in order, with the time each was. */
function writeLoad() {
  const acknowledged = [];
  let stopping = false;
  let next = 0;
  const interval = (1000 * WRITERS) / TARGET_PER_SECOND;
  async function writer() {
    while (!stopping && next < DONORS) {
      const started = Date.now();
      const donor = `D${String(1000001 + next++).padStart(7, '0')}`;
      const r = await srv.api('POST', '/api/v1/collections', {
        token: admin.token, body: { ...chain.HEALTHY, donor, center: 'LA-01' },
      });
      assert.equal(r.status, 201, r.text);
      acknowledged.push({ din: r.json.din, at: Date.now() });
      const wait = interval - (Date.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  const writers = Array.from({ length: WRITERS }, writer);
  return {
    acknowledged,
    async stop() {
      stopping = true;
      await Promise.all(writers);
    },
  };
}

/* `bloodops backup` of the server's database into `file`: {status, stdout, stderr}. */
function backup(file) {
  return new Promise((resolve, reject) => {
    const child = spawn(BINARY, ['backup', file, '--db', srv.db], { env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the backup did not finish within ${BACKUP_DEADLINE_MS} ms: ${stderr}`));
    }, BACKUP_DEADLINE_MS);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

test('a backup taken while collections are written without pause finishes, and the copy verifies', { skip: !SQLITE && 'SQLite only' }, async () => {
  const load = writeLoad();
  try {
    // The load first runs a while on its own.
    while (load.acknowledged.length < 200) await new Promise((resolve) => setTimeout(resolve, 20));
    const file = path.join(srv.dir, 'copy.db');
    const started = Date.now();
    const before = load.acknowledged.length;
    const result = await backup(file);
    const ended = Date.now();
    const during = load.acknowledged.filter((a) => a.at >= started && a.at <= ended).length;
    console.log(`# the backup took ${ended - started} ms, ${during} collections written meanwhile; it said: ${result.stdout.trim()} ${result.stderr.trim()}`);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /integrity ok, audit trail intact \(\d+ records\)/);
    assert.ok(during > 0 || ended - started < 50, `writes went on during the backup (${during} in ${ended - started} ms)`);
    await load.stop();
    const rate = Math.round((load.acknowledged.length * 1000) / (Date.now() - load.acknowledged[0].at));
    console.log(`# ${load.acknowledged.length} collections at about ${rate}/s`);
    assert.ok(fs.existsSync(file) && !fs.existsSync(`${file}.partial`));

    // The copy on its own: SQLite's check, the audit chain, and its contents.
    const check = require('node:child_process').spawnSync('sqlite3', [file, 'PRAGMA integrity_check'], { encoding: 'utf8' });
    assert.equal(check.stdout.trim(), 'ok', check.stderr);
    const verify = require('node:child_process').spawnSync(BINARY, ['audit', 'verify', '--db', file], { encoding: 'utf8' });
    assert.equal(verify.status, 0, verify.stderr);
    assert.match(verify.stdout, /audit trail intact/);
    const dins = new Set(require('node:child_process').spawnSync('sqlite3', [file, 'SELECT din FROM collections'], { encoding: 'utf8' })
      .stdout.trim().split('\n').filter(Boolean));
    for (const a of load.acknowledged.slice(0, before)) assert.ok(dins.has(a.din), `${a.din}, acknowledged before the backup, is in the copy`);
    const all = new Set(load.acknowledged.map((a) => a.din));
    for (const din of dins) assert.ok(all.has(din), `${din} in the copy was acknowledged`);
  } finally {
    await load.stop();
  }
});
