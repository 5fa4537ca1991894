'use strict';
/*
 * login_throttle.test.js - the login throttle under concurrency and abuse,
 * on either backend: 32 wrong passwords sent at once for one user (three
 * users in turn) get at most 5 password checks (401) each, every
 * other answer is 429 with
 * Retry-After, and the right password is refused too while the lock
 * lasts; made-up user names are counted per client address (the 31st
 * failure from one address is 429) without a row or an audit record per
 * name; a success takes its attempt back; `bloodops session purge`
 * removes sessions a week past their expiry and spent throttle counts.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');

const NAME_LIMIT = 5;
const ADDRESS_LIMIT = 30;

let srv;
let admin;

function attempt(username, password) {
  return srv.api('POST', '/api/v1/login', { body: { username, password } });
}

/* The rows of a query on the database itself, as text lines. */
function rows(sql) {
  const r = srv.sql(sql);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((line) => line.trim());
}

before(async () => {
  srv = await startServer({ env: { BLOODOPS_THREADS: '8' } });
  admin = await srv.login('admin', ADMIN_PASSWORD);
});

after(() => srv.stop());

test('32 concurrent wrong passwords for one user: at most 5 are checked, the rest are 429 with Retry-After', async () => {
  // Three users one after the other, 32 attempts each, all in flight
  // together (the server runs 8 threads: many are checked at once).
  const users = ['target', 'target2', 'target3'];
  for (const user of users) {
    const password = await srv.addUser(admin, user, 'finance');
    const mine = await Promise.all(Array.from({ length: 32 }, (_, i) => attempt(user, `wrong-password-${i}`)));
    const checked = mine.filter((r) => r.status === 401);
    const refused = mine.filter((r) => r.status === 429);
    assert.equal(checked.length + refused.length, 32, mine.map((r) => r.status).join(' '));
    assert.equal(checked.length, NAME_LIMIT, `${user}: ${checked.length} password checks, the limit is ${NAME_LIMIT}`);
    for (const r of refused) {
      assertError(r, 429, 'throttled', { message: 'try again in' });
      const wait = Number(r.headers.get('retry-after'));
      assert.ok(Number.isInteger(wait) && wait > 0 && wait <= 15 * 60, `Retry-After: ${r.headers.get('retry-after')}`);
    }
    // Locked: the right password is refused as well, and unchecked.
    assertError(await attempt(user, password), 429, 'throttled');
  }
  // One audit record per password checked, the last one the lock.
  const audit = await srv.api('GET', '/api/v1/audit?entity=session&limit=500', { token: admin.token });
  const actions = audit.json.items.filter((i) => i.entity_id === 'target').map((i) => i.action);
  assert.equal(actions.length, NAME_LIMIT, actions.join(' '));
  assert.equal(actions.filter((a) => a === 'login_locked').length, 1);
});

test('a success takes its attempt back: failures below the limit, then the right password, start over', async () => {
  const password = await srv.addUser(admin, 'typo', 'finance');
  for (let i = 0; i < NAME_LIMIT - 1; i++) assertError(await attempt('typo', `mistyped-${i}`), 401, 'unauthorized');
  assert.equal((await attempt('typo', password)).status, 200);
  for (let i = 0; i < NAME_LIMIT - 1; i++) assertError(await attempt('typo', `mistyped-again-${i}`), 401, 'unauthorized');
  assert.equal((await attempt('typo', password)).status, 200, 'the count started over after the success');
});

test('made-up names are counted per address, without a row or an audit record per name', async () => {
  const auditBefore = Number(rows('SELECT COUNT(*) FROM audit_log')[0]);
  // So far this address has failed 3 x 5 (target, target2, target3) + 8 (typo) times.
  const earlier = 3 * NAME_LIMIT + 2 * (NAME_LIMIT - 1);
  let failures = 0;
  let refused = null;
  for (let i = 0; i < ADDRESS_LIMIT; i++) {
    const r = await attempt(`nobody-${i}-${Math.random().toString(36).slice(2)}`, 'some-password-1');
    if (r.status === 429) {
      refused = r;
      break;
    }
    assertError(r, 401, 'unauthorized');
    failures++;
  }
  assert.equal(failures, ADDRESS_LIMIT - earlier, 'the address is locked at its limit');
  assertError(refused, 429, 'throttled', { message: 'from this address' });
  assert.ok(Number(refused.headers.get('retry-after')) > 0);
  // Locked for everyone calling from it, a real user with the right password too.
  assertError(await attempt('admin', ADMIN_PASSWORD), 429, 'throttled');
  // The names left no trail of their own: one record, the address's lock.
  const added = rows(`SELECT entity || ' ' || entity_id || ' ' || action FROM audit_log ORDER BY seq`).slice(auditBefore);
  assert.deepEqual(added.map((line) => line.replace(/address:\S+/, 'address:*')), ['login_throttle address:* lock']);
  // Bounded rows: one per user tried, per bucket of unknown names, per address.
  const subjects = rows('SELECT subject FROM login_throttle');
  assert.ok(subjects.every((s) => /^(user:(target\d?|typo)|unknown:\d{4}|address:.+)$/.test(s)), subjects.join(' '));
  assert.ok(subjects.filter((s) => s.startsWith('unknown:')).length <= failures);
});

test('the purge removes sessions a week past their expiry and spent throttle counts, and says so', async () => {
  const now = Math.floor(Date.now() / 1000);
  const user = rows("SELECT id FROM users WHERE username = 'admin'")[0];
  let r = srv.sql(`INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ` +
    `('old-one', ${user}, 'x', '2026-01-01T00:00:00Z', ${now - 8 * 86400}), ('recent-one', ${user}, 'x', '2026-01-01T00:00:00Z', ${now - 86400})`);
  assert.equal(r.status, 0, r.stderr);
  r = srv.sql(`INSERT INTO login_throttle (subject, failures, window_start, locked_until) VALUES ` +
    `('user:spent', 3, ${now - 3600}, 0), ('user:fresh', 3, ${now - 60}, 0), ('user:locked', 5, ${now - 3600}, ${now + 600})`);
  assert.equal(r.status, 0, r.stderr);
  const purged = srv.cli('session', 'purge', '--format', 'json');
  assert.equal(purged.status, 0, purged.stderr);
  const removed = JSON.parse(purged.stdout);
  assert.equal(removed.sessions, 1);
  assert.ok(removed.throttle_records >= 1);
  assert.deepEqual(rows("SELECT token_hash FROM sessions WHERE token_hash IN ('old-one', 'recent-one')"), ['recent-one']);
  const left = rows("SELECT subject FROM login_throttle WHERE subject IN ('user:spent', 'user:fresh', 'user:locked') ORDER BY subject");
  assert.deepEqual(left, ['user:fresh', 'user:locked']);
  const audit = rows("SELECT action FROM audit_log WHERE entity = 'housekeeping'");
  assert.deepEqual(audit, ['purge']);
  // Nothing left to remove: nothing written.
  const fingerprint = srv.fingerprint();
  const again = JSON.parse(srv.cli('session', 'purge', '--format', 'json').stdout);
  assert.ok(again.sessions === 0 && again.throttle_records === 0);
  assert.equal(srv.fingerprint(), fingerprint);
});

test('the server purges on its sweep, as system:housekeeping', async () => {
  const other = await startServer({ env: { BLOODOPS_EXPIRY_SWEEP_SECONDS: '1' } });
  try {
    assert.ok(await other.waitForLog(/expiry sweep: \d+ units expired, 0 sessions and \d+ throttle records purged/), other.stderr());
    const now = Math.floor(Date.now() / 1000);
    const r = other.sql(`INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) ` +
      `SELECT 'long-gone', id, 'x', '2026-01-01T00:00:00Z', ${now - 30 * 86400} FROM users WHERE username = 'admin'`);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(await other.waitForLog(/expiry sweep: \d+ units expired, 1 sessions and \d+ throttle records purged/, 20000), other.stderr());
    const audit = other.sql("SELECT actor FROM audit_log WHERE entity = 'housekeeping'");
    assert.equal(audit.stdout.trim(), 'system:housekeeping');
  } finally {
    await other.stop();
  }
});
