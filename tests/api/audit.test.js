'use strict';
/*
 * audit.test.js - the audit trail (docs/users.md, "The audit trail"): changes
 * made through the command line and through the API are both recorded with
 * who, what, the before and after values and the reason; the API and
 * `bloodops audit log` show the same records, filtered alike by kind and id,
 * actor, action and days, sorted and paged at an offset with the total
 * (the audit trail page's list); the hash chain proves that nothing was
 * altered or removed (the command line and the API name the broken
 * record), and the table refuses UPDATE and DELETE.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, assertError, ADMIN_PASSWORD, BINARY, CLI_ACTOR } = require('./lib/server');

let srv;
let admin;
let stopped = false;

function verify(db) {
  return spawnSync(BINARY, ['audit', 'verify', '--db', db], { encoding: 'utf8', env: { ...process.env, BLOODOPS_DB: '' } });
}

function cliLog(...args) {
  const r = srv.cli('audit', 'log', '--format', 'json', ...args);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  const r = await srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'SOCAL', name: 'Southern California' } });
  assert.equal(r.status, 201, r.text);
});

after(async () => {
  if (srv && !stopped) await srv.stop();
});

test('a center added through the CLI and one through the API are both in the trail', async () => {
  const cli = srv.cli('center', 'add', '--code', 'cli-01', '--name', 'Made on the command line', '--market', 'SOCAL', '--fin', 'W2001', '--opened', '2003-01-02');
  assert.equal(cli.status, 0, cli.stderr);
  const api = await srv.api('POST', '/api/v1/centers', {
    token: admin.token,
    body: { code: 'api-01', name: 'Made through the API', market: 'SOCAL', fin: 'W2002', open_date: '2003-02-03', address: '2 Elm St' },
  });
  assert.equal(api.status, 201, api.text);

  // The CLI's center is visible to the running server.
  const shown = await srv.api('GET', '/api/v1/centers/CLI-01', { token: admin.token });
  assert.equal(shown.status, 200, shown.text);

  const r = await srv.api('GET', '/api/v1/audit?entity=center', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.items.every((item) => item.entity === 'center'), 'only center records');
  const byId = Object.fromEntries(r.json.items.map((item) => [item.entity_id, item]));

  const fromCli = byId['CLI-01'];
  assert.ok(fromCli, `the CLI's center is in the trail: ${r.text}`);
  assert.equal(fromCli.actor, CLI_ACTOR);
  assert.equal(fromCli.action, 'create');
  assert.equal(fromCli.before, null);
  assert.equal(fromCli.after.code, 'CLI-01');
  assert.equal(fromCli.after.name, 'Made on the command line');
  assert.equal(fromCli.after.fin, 'W2001');
  assert.equal(fromCli.after.open_date, '2003-01-02');
  assert.equal(fromCli.after.market, 'SOCAL');
  assert.match(fromCli.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.equal(typeof fromCli.seq, 'number');

  const fromApi = byId['API-01'];
  assert.ok(fromApi, `the API's center is in the trail: ${r.text}`);
  assert.equal(fromApi.actor, 'admin');
  assert.equal(fromApi.action, 'create');
  assert.equal(fromApi.before, null);
  assert.deepEqual(fromApi.after, api.json, 'the after values are the center as created');
  assert.ok(fromApi.seq > fromCli.seq, 'records in order');

  // The command line shows the same records.
  const log = cliLog('--entity', 'center');
  const cliById = Object.fromEntries(log.map((item) => [item.entity_id, item]));
  assert.deepEqual(cliById['CLI-01'], fromCli);
  assert.deepEqual(cliById['API-01'], fromApi);
  const everything = cliLog();
  assert.ok(everything.some((item) => item.entity === 'market' && item.entity_id === 'SOCAL' && item.actor === 'admin'));
});

test('closing a center records before, after and the reason', async () => {
  const r = await srv.api('POST', '/api/v1/centers/API-01/close', {
    token: admin.token,
    body: { close_date: '2004-03-31', reason: 'merged into CLI-01' },
  });
  assert.equal(r.status, 200, r.text);

  const trail = await srv.api('GET', '/api/v1/audit?entity=center', { token: admin.token });
  const close = trail.json.items.find((item) => item.entity_id === 'API-01' && item.action === 'close');
  assert.ok(close, `a close record: ${trail.text}`);
  assert.equal(close.actor, 'admin');
  assert.equal(close.reason, 'merged into CLI-01');
  assert.equal(close.before.close_date, null);
  assert.equal(close.before.status, 'open');
  assert.equal(close.after.close_date, '2004-03-31');
  assert.equal(close.after.close_reason, 'merged into CLI-01');
  assert.equal(close.after.status, 'closed');
  assert.equal(close.before.name, close.after.name);

  const log = cliLog('--entity', 'center');
  assert.deepEqual(log.find((item) => item.seq === close.seq), close);

  // A refused change leaves no record.
  const again = await srv.api('POST', '/api/v1/centers/API-01/close', {
    token: admin.token,
    body: { close_date: '2004-04-30', reason: 'twice' },
  });
  assert.equal(again.status, 409, again.text);
  const after = await srv.api('GET', '/api/v1/audit?entity=center', { token: admin.token });
  assert.equal(after.json.items.length, trail.json.items.length);
});

test('the trail pages by record number and filters by date', async () => {
  const all = [];
  let next = null;
  for (let i = 0; i < 100; i++) {
    const r = await srv.api('GET', `/api/v1/audit?limit=2${next === null ? '' : `&after=${next}`}`, { token: admin.token });
    assert.equal(r.status, 200, r.text);
    all.push(...r.json.items);
    next = r.json.next_after;
    if (next === null) break;
  }
  const seqs = all.map((item) => item.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'every record once, numbered 1, 2, 3...');
  assert.equal(all.length, cliLog().length, 'the API and the CLI show the same number of records');

  let r = await srv.api('GET', '/api/v1/audit?since=2999-01-01', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items, []);
  r = await srv.api('GET', '/api/v1/audit?since=2000-01-01&limit=500', { token: admin.token });
  assert.equal(r.json.items.length, all.length);

  r = await srv.api('GET', '/api/v1/audit?since=yesterday', { token: admin.token });
  assertError(r, 400, 'invalid_input', { field: 'since' });
  r = await srv.api('GET', '/api/v1/audit?after=abc', { token: admin.token });
  assertError(r, 400, 'invalid_input', { field: 'after' });
  r = await srv.api('GET', '/api/v1/audit?limit=0', { token: admin.token });
  assertError(r, 400, 'invalid_input', { field: 'limit' });
});

test('the trail is for admins and auditors only', async () => {
  await srv.addUser(admin, 'aud', 'auditor');
  await srv.addUser(admin, 'fin', 'finance');
  const auditor = await srv.login('aud', 'aud-password-1');
  const finance = await srv.login('fin', 'fin-password-1');
  let r = await srv.api('GET', '/api/v1/audit', { token: auditor.token });
  assert.equal(r.status, 200, r.text);
  r = await srv.api('GET', '/api/v1/audit/verify', { token: auditor.token });
  assert.equal(r.status, 200, r.text);
  r = await srv.api('GET', '/api/v1/audit', { token: finance.token });
  assertError(r, 403, 'forbidden');
  r = await srv.api('GET', '/api/v1/audit/verify', { token: finance.token });
  assertError(r, 403, 'forbidden');
});

test('GET /api/v1/audit/verify: the chain is intact', async () => {
  const r = await srv.api('GET', '/api/v1/audit/verify', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.intact, true);
  assert.equal(r.json.first_bad_seq, undefined);
  // Records are only appended by writes; reading the trail adds none.
  assert.equal(r.json.records_checked, cliLog().length);
  const cli = srv.cli('audit', 'verify');
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, new RegExp(`intact: ${r.json.records_checked} records`));
});

/* Every record, through the keyset pages of the list's own order. */
async function wholeTrail() {
  const all = [];
  let next = null;
  do {
    const r = await srv.api('GET', `/api/v1/audit?limit=500${next === null ? '' : `&after=${next}`}`, { token: admin.token });
    assert.equal(r.status, 200, r.text);
    all.push(...r.json.items);
    next = r.json.next_after;
  } while (next !== null);
  return all;
}

async function listed(query) {
  const r = await srv.api('GET', `/api/v1/audit?${query}`, { token: admin.token });
  assert.equal(r.status, 200, `${query}: ${r.text}`);
  return r.json;
}

test('the trail filters by kind and id, actor, action and days; filters combine', async () => {
  const all = await wholeTrail();
  const newest = (items) => [...items].sort((a, b) => b.seq - a.seq);

  // One record's history: its kind and id (the id in any case), newest first.
  let r = await listed('entity=center&entity_id=api-01&sort=-seq&limit=500');
  const api01 = newest(all.filter((x) => x.entity === 'center' && x.entity_id === 'API-01'));
  assert.ok(api01.length >= 2, 'created and closed');
  assert.deepEqual(r.items, api01);
  assert.equal(r.total, api01.length);
  assert.equal(r.items[0].action, 'close', 'the newest first');
  r = await listed('entity=CENTER&entity_id=API-01&sort=-seq');
  assert.equal(r.total, api01.length, 'the kind in any case');

  // Who acted: the command line's records are not the administrator's.
  r = await listed('actor=admin&sort=-seq&limit=500');
  const byAdmin = newest(all.filter((x) => x.actor === 'admin'));
  assert.ok(byAdmin.length > 0);
  assert.deepEqual(r.items, byAdmin);
  assert.equal(r.total, byAdmin.length);
  r = await listed(`actor=${encodeURIComponent(CLI_ACTOR)}&sort=-seq&limit=500`);
  assert.ok(r.total > 0 && r.items.every((x) => x.actor === CLI_ACTOR));

  // An action, in any case.
  r = await listed('action=CLOSE&sort=-seq');
  assert.deepEqual(r.items.map((x) => `${x.entity} ${x.entity_id} ${x.action}`), ['center API-01 close']);

  // Together: each filter narrows the others.
  r = await listed('entity=center&action=create&actor=admin&sort=-seq');
  assert.deepEqual(r.items.map((x) => x.entity_id), ['API-01']);
  assert.equal(r.total, 1);
  r = await listed('entity=center&entity_id=CLI-01&actor=admin&sort=-seq');
  assert.deepEqual(r.items, [], 'CLI-01 was made on the command line');
  assert.equal(r.total, 0);

  // Days (UTC), both ends included.
  const first = all[0].at.slice(0, 10);
  const last = all[all.length - 1].at.slice(0, 10);
  r = await listed(`from=${first}&to=${last}&sort=-seq&limit=1`);
  assert.equal(r.total, all.length, 'every record lies between the first day and the last');
  const next = new Date(Date.parse(`${last}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
  const before = new Date(Date.parse(`${first}T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
  r = await listed(`from=${next}&sort=-seq`);
  assert.equal(r.total, 0);
  r = await listed(`to=${before}&sort=-seq`);
  assert.equal(r.total, 0);
  r = await listed(`entity=center&from=${first}&to=${last}&sort=-seq&limit=500`);
  assert.equal(r.total, all.filter((x) => x.entity === 'center').length);

  // The command line takes the same filters.
  const cli = cliLog('--entity', 'center', '--entity-id', 'api-01', '--newest-first');
  assert.deepEqual(cli, api01);
  const cliAdmin = cliLog('--actor', 'admin', '--action', 'create', '--entity', 'center', '--from', first, '--to', last);
  assert.deepEqual(cliAdmin.map((x) => x.entity_id), ['API-01']);
});

test('the trail sorts by its columns, pages at an offset and counts what the filters match', async () => {
  const all = await wholeTrail();
  // Newest first, page by page: every record once, the total on each page.
  const pages = [];
  for (let offset = 0; offset < all.length; offset += 4) {
    const r = await listed(`sort=-seq&limit=4&offset=${offset}`);
    assert.equal(r.total, all.length);
    assert.equal(r.next_after, null, 'an offset page has no keyset');
    pages.push(...r.items);
  }
  assert.deepEqual(pages.map((x) => x.seq), all.map((x) => x.seq).reverse());
  let r = await listed(`sort=-seq&offset=${all.length + 10}`);
  assert.deepEqual(r.items, [], 'past the last page');

  r = await listed('sort=actor&limit=500');
  const actors = r.items.map((x) => x.actor);
  assert.deepEqual(actors, [...actors].sort(), 'by actor');
  r = await listed('sort=-entity&limit=500');
  const kinds = r.items.map((x) => x.entity);
  assert.deepEqual(kinds, [...kinds].sort().reverse(), 'by kind, descending');
  r = await listed('sort=at&limit=500');
  assert.equal(r.items.length, all.length);
});

test('bad filters are refused naming the parameter', async () => {
  const refused = async (query, field) => {
    const r = await srv.api('GET', `/api/v1/audit?${query}`, { token: admin.token });
    assertError(r, 400, 'invalid_input', { field });
  };
  await refused('entity_id=API-01', 'entity');
  await refused('from=2004-13-01', 'from');
  await refused('to=tomorrow', 'to');
  await refused('from=2004-03-02&to=2004-03-01', 'to');
  await refused('from=2004-03-01&since=2004-03-01', 'since');
  await refused(`actor=${'a'.repeat(101)}`, 'actor');
  await refused('action=create%0Aupdate', 'action');
  await refused('sort=hash', 'sort');
  await refused('sort=-seq&after=3', 'after');
  await refused('offset=-1', 'offset');
  const cli = srv.cli('audit', 'log', '--entity-id', 'API-01');
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /entity/);
});

test('tampering is detected: append-only triggers, an altered record, a removed last record', async () => {
  // Stop the server first: the database is then ours alone.
  await srv.stop({ keepDir: true });
  stopped = true;
  const dropTrigger = (name) =>
    srv.backend === 'postgres' ? `DROP TRIGGER ${name} ON audit_log` : `DROP TRIGGER ${name}`;
  try {
    const { db } = srv;
    const copy = srv.copyDatabase('last');
    const middle = srv.copyDatabase('middle');

    // The triggers refuse changes to the trail.
    let r = srv.sql("UPDATE audit_log SET reason = 'rewritten' WHERE seq = 1");
    assert.notEqual(r.status, 0, 'UPDATE must be refused');
    assert.match(r.stderr, /append-only/);
    r = srv.sql('DELETE FROM audit_log WHERE seq = 1');
    assert.notEqual(r.status, 0, 'DELETE must be refused');
    assert.match(r.stderr, /append-only/);
    r = verify(db);
    assert.equal(r.status, 0, `still intact: ${r.stderr}`);

    // Someone with access to the database drops the trigger and edits one
    // record's after values.
    r = srv.sql("SELECT seq FROM audit_log WHERE entity = 'center' AND entity_id = 'API-01' AND action = 'create'");
    assert.equal(r.status, 0, r.stderr);
    const seq = Number(r.stdout.trim());
    assert.ok(seq > 0, `found the record: ${r.stdout}`);
    r = srv.sql(dropTrigger('audit_log_no_update'));
    assert.equal(r.status, 0, r.stderr);
    r = srv.sql(`UPDATE audit_log SET after_json = replace(after_json, 'W2002', 'W9999') WHERE seq = ${seq}`);
    assert.equal(r.status, 0, r.stderr);
    r = srv.sql(`SELECT after_json FROM audit_log WHERE seq = ${seq}`);
    assert.match(r.stdout, /W9999/, 'the record was really altered');

    r = verify(db);
    assert.equal(r.status, 1, `audit verify must fail: ${r.stdout} ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`record ${seq}\\b`), `names record ${seq}: ${r.stderr}`);
    assert.match(r.stderr, /altered/);

    // The API says the same, for the audit trail page's "Verify the chain".
    const reader = await startServer({ db });
    try {
      const answer = await reader.api('GET', '/api/v1/audit/verify', { token: admin.token });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.json.intact, false);
      assert.equal(answer.json.first_bad_seq, seq);
      assert.match(answer.json.problem, new RegExp(`record ${seq} .*altered`));
    } finally {
      await reader.stop();
    }

    // On the untouched copy: remove the last record (and only that).
    r = srv.sqlOn(copy, 'SELECT max(seq) FROM audit_log');
    const last = Number(r.stdout.trim());
    assert.ok(last > 1);
    r = verify(copy);
    assert.equal(r.status, 0, `the copy is intact: ${r.stderr}`);
    r = srv.sqlOn(copy, dropTrigger('audit_log_no_delete'));
    assert.equal(r.status, 0, r.stderr);
    r = srv.sqlOn(copy, `DELETE FROM audit_log WHERE seq = ${last}`);
    assert.equal(r.status, 0, r.stderr);
    r = verify(copy);
    assert.equal(r.status, 1, `removing the last record must be detected: ${r.stdout} ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`record ${last}\\b`), `names record ${last}: ${r.stderr}`);

    // On another copy: remove a record in the middle.
    r = srv.sqlOn(middle, dropTrigger('audit_log_no_delete'));
    assert.equal(r.status, 0, r.stderr);
    r = srv.sqlOn(middle, 'DELETE FROM audit_log WHERE seq = 2');
    assert.equal(r.status, 0, r.stderr);
    r = verify(middle);
    assert.equal(r.status, 1, `removing record 2 must be detected: ${r.stdout} ${r.stderr}`);
    assert.match(r.stderr, /record 2\b/, `names record 2: ${r.stderr}`);
  } finally {
    srv.cleanup();
  }
});
