'use strict';
/*
 * group_commit.test.js - durable writes under concurrency (docs/DESIGN.md,
 * "Group commit"): many write requests at once, refused and accepted ones
 * mixed in the same batches (on SQLite they share one commit), a commit
 * that fails, a crash under load, an Idempotency-Key answer that survives
 * a crash with its change, logins (which check a password before they
 * write) among writes, and the periodic expiry sweep.
 *
 * What every test checks is what a client can rely on: an answered success
 * is in the database (after a crash too), a refused request changed
 * nothing, and the audit trail stays one intact chain
 * (`bloodops audit verify`) with exactly one record per accepted write.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { startServer, assertError, ADMIN_PASSWORD, BACKEND, BINARY, REPO } = require('./lib/server');

/* The number of audit records, verified. */
function auditCount(srv) {
  const r = srv.cli('audit', 'verify');
  assert.equal(r.status, 0, `audit verify: ${r.stdout} ${r.stderr}`);
  const match = /intact: (\d+) records verified/.exec(r.stdout);
  assert.ok(match, r.stdout);
  return Number(match[1]);
}

/* Every market code, following the pages. */
async function marketCodes(srv, token) {
  const codes = [];
  let after = null;
  for (;;) {
    const query = after === null ? '' : `&after=${encodeURIComponent(after)}`;
    const r = await srv.api('GET', `/api/v1/markets?limit=500${query}`, { token });
    assert.equal(r.status, 200, r.text);
    codes.push(...r.json.items.map((item) => item.code));
    if (r.json.next_after === null) return codes;
    after = r.json.next_after;
  }
}

/* Send `bodies` as POST /api/v1/markets, at most `width` at a time. */
async function createMarkets(srv, token, bodies, width) {
  const answers = new Array(bodies.length);
  let next = 0;
  async function lane() {
    while (next < bodies.length) {
      const index = next++;
      answers[index] = await srv.api('POST', '/api/v1/markets', { token, body: bodies[index] });
    }
  }
  await Promise.all(Array.from({ length: width }, lane));
  return answers;
}

test('200 concurrent creations, a third refused: every 201 is stored, every refusal changed nothing', async () => {
  const srv = await startServer();
  try {
    const admin = await srv.login('admin', ADMIN_PASSWORD);
    /* Taken codes: their duplicates are refused inside the transaction (a
     * unique violation rolls back only that request's savepoint). */
    for (const code of ['TAKEN1', 'TAKEN2']) {
      const r = await srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code, name: code } });
      assert.equal(r.status, 201, r.text);
    }
    const auditBefore = auditCount(srv);
    const bodies = [];
    for (let i = 0; i < 200; i += 1) {
      if (i % 6 === 1) bodies.push({ code: i % 12 === 1 ? 'TAKEN1' : 'taken2', name: `Duplicate ${i}` });
      else if (i % 6 === 3) bodies.push({ code: `G${i}`, name: '' }); // refused before the transaction
      else bodies.push({ code: `G${i}`, name: `Group market ${i}` });
    }
    const answers = await Promise.all(
      bodies.map((body) => srv.api('POST', '/api/v1/markets', { token: admin.token, body })),
    );
    const accepted = [];
    answers.forEach((r, i) => {
      if (i % 6 === 1) assertError(r, 409, 'conflict', { field: 'code' });
      else if (i % 6 === 3) assertError(r, 400, 'invalid_input', { field: 'name' });
      else {
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.code, `G${i}`);
        accepted.push(`G${i}`);
      }
    });
    assert.equal(accepted.length, 133, 'two thirds of the 200 were valid');
    const stored = await marketCodes(srv, admin.token);
    assert.deepEqual(stored.sort(), ['TAKEN1', 'TAKEN2', ...accepted].sort(), 'exactly the accepted ones');
    assert.equal(auditCount(srv), auditBefore + accepted.length, 'one audit record per accepted write');
  } finally {
    await srv.stop();
  }
});

test('a burst of refused writes in the same batches changes nothing', async () => {
  const srv = await startServer();
  try {
    const admin = await srv.login('admin', ADMIN_PASSWORD);
    let r = await srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'ONE', name: 'One' } });
    assert.equal(r.status, 201, r.text);
    const before = srv.fingerprint();
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) => {
        if (i % 3 === 0) return srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'one', name: `Again ${i}` } });
        if (i % 3 === 1) return srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: `X${i}`, name: 'n'.repeat(500) } });
        return srv.api('PATCH', '/api/v1/markets/NOPE', { token: admin.token, body: { name: 'Nothing' } });
      }),
    );
    answers.forEach((answer, i) => {
      if (i % 3 === 0) assertError(answer, 409, 'conflict', { field: 'code' });
      else if (i % 3 === 1) assertError(answer, 400, 'invalid_input', { field: 'name' });
      else assert.equal(answer.status, 404, answer.text);
    });
    assert.equal(srv.fingerprint(), before);
    r = await srv.api('GET', '/api/v1/markets/ONE', { token: admin.token });
    assert.equal(r.json.name, 'One');
  } finally {
    await srv.stop();
  }
});

test('concurrent writes share commits on SQLite (the server says how many at its stop)', async (t) => {
  if (BACKEND !== 'sqlite') {
    t.skip('PostgreSQL groups concurrent commits in its own WAL flush');
    return;
  }
  const srv = await startServer();
  let stopped = false;
  try {
    const admin = await srv.login('admin', ADMIN_PASSWORD);
    const bodies = Array.from({ length: 300 }, (_, i) => ({ code: `S${i}`, name: `Shared ${i}` }));
    const answers = await createMarkets(srv, admin.token, bodies, 100);
    answers.forEach((r) => assert.equal(r.status, 201, r.text));
    await srv.stop({ keepDir: true });
    stopped = true;
    const match = /group commit: (\d+) jobs in (\d+) commits/.exec(srv.stderr());
    assert.ok(match, 'the stop logs the group commit counts');
    const [jobs, commits] = [Number(match[1]), Number(match[2])];
    assert.ok(jobs >= 301, `every write was a job (${jobs})`);
    assert.ok(commits < jobs, `fewer commits (${commits}) than jobs (${jobs})`);
  } finally {
    if (!stopped) await srv.stop();
    srv.cleanup();
  }
});

/* A table the test adds so that a chosen market makes the COMMIT itself
 * fail: a deferred foreign key, checked only when the transaction
 * commits (after every statement of every request in it succeeded). */
function addCommitTrap(srv) {
  const sql =
    BACKEND === 'sqlite'
      ? `CREATE TABLE trap_parent (id INTEGER PRIMARY KEY);
         CREATE TABLE trap_child (parent INTEGER REFERENCES trap_parent (id) DEFERRABLE INITIALLY DEFERRED);
         CREATE TRIGGER trap AFTER INSERT ON markets WHEN NEW.code LIKE 'TRAP%'
         BEGIN INSERT INTO trap_child VALUES (1); END;`
      : `CREATE TABLE trap_parent (id BIGINT PRIMARY KEY);
         CREATE TABLE trap_child (parent BIGINT REFERENCES trap_parent (id) DEFERRABLE INITIALLY DEFERRED);
         CREATE FUNCTION trap() RETURNS trigger LANGUAGE plpgsql AS
           $$ BEGIN INSERT INTO trap_child VALUES (1); RETURN NEW; END $$;
         CREATE TRIGGER trap AFTER INSERT ON markets FOR EACH ROW WHEN (NEW.code LIKE 'TRAP%')
         EXECUTE FUNCTION trap();`;
  const r = srv.sql(sql);
  assert.equal(r.status, 0, r.stderr);
}

test('a commit that fails answers 503 to every request it held, and none of them is stored', async () => {
  const srv = await startServer();
  try {
    const admin = await srv.login('admin', ADMIN_PASSWORD);
    addCommitTrap(srv);
    const auditBefore = auditCount(srv);
    const before = srv.fingerprint();
    // Alone: the request's own commit fails.
    const alone = await srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'TRAP0', name: 'Trap' } });
    assertError(alone, 503, 'busy', { message: 'the database is busy, try again' });
    assert.equal(srv.fingerprint(), before, 'the failed commit left nothing');

    // Among others: whatever shared its commit fails with it; the rest is stored.
    const bodies = Array.from({ length: 120 }, (_, i) => ({
      code: i % 40 === 7 ? `TRAP${i}` : `OK${i}`,
      name: `Market ${i}`,
    }));
    const answers = await Promise.all(
      bodies.map((body) => srv.api('POST', '/api/v1/markets', { token: admin.token, body })),
    );
    const accepted = [];
    answers.forEach((r, i) => {
      if (bodies[i].code.startsWith('TRAP')) assertError(r, 503, 'busy');
      else if (r.status === 503) assertError(r, 503, 'busy');
      else {
        assert.equal(r.status, 201, r.text);
        accepted.push(bodies[i].code);
      }
    });
    if (BACKEND === 'postgres') assert.equal(accepted.length, 117, 'each request commits alone on PostgreSQL');
    const stored = await marketCodes(srv, admin.token);
    assert.deepEqual(stored.sort(), accepted.sort(), 'exactly the acknowledged ones are stored');
    assert.equal(auditCount(srv), auditBefore + accepted.length);
    // A retry sent while the first request waits for its commit must not
    // replay an answer that the commit then loses (on SQLite the retry may
    // share the batch and find the first answer before it is durable).
    const keyed = { token: admin.token, headers: { 'Idempotency-Key': 'trap-retry' }, body: { code: 'TRAPKEY', name: 'Trap' } };
    const burst = await Promise.all([
      ...Array.from({ length: 40 }, (_, i) =>
        srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: `BURST${i}`, name: `Burst ${i}` } })),
      ...Array.from({ length: 4 }, () => srv.api('POST', '/api/v1/markets', keyed)),
    ]);
    burst.slice(40).forEach((r) => {
      assertError(r, 503, 'busy');
      assert.equal(r.headers.get('idempotent-replayed'), null);
    });
    const listed = await marketCodes(srv, admin.token);
    assert.ok(!listed.includes('TRAPKEY'));
    burst.slice(0, 40).forEach((r, i) => assert.equal(listed.includes(`BURST${i}`), r.status === 201, r.text));
    // The server goes on after failed commits.
    const r = await srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: 'AFTER', name: 'After' } });
    assert.equal(r.status, 201, r.text);
  } finally {
    await srv.stop();
  }
});

test('kill -9 under write load: every acknowledged write is there after a restart', async () => {
  const first = await startServer();
  let second = null;
  try {
    const admin = await first.login('admin', ADMIN_PASSWORD);
    const auditBefore = auditCount(first);
    const acknowledged = [];
    let sent = 0;
    let killed = false;
    async function lane() {
      while (!killed) {
        const code = `K${sent++}`;
        try {
          const r = await first.api('POST', '/api/v1/markets', { token: admin.token, body: { code, name: `Kill ${code}` } });
          if (r.status === 201) acknowledged.push(code);
          else assert.fail(`unexpected answer before the kill: ${r.status} ${r.text}`);
        } catch (error) {
          if (!killed) throw error;
        }
        if (acknowledged.length >= 150 && !killed) {
          killed = true;
          process.kill(first.pid, 'SIGKILL');
        }
      }
    }
    await Promise.all(Array.from({ length: 24 }, lane));
    const exit = await first.exited;
    assert.equal(exit.signal, 'SIGKILL');

    second = await startServer({ db: first.db });
    const token = (await second.login('admin', ADMIN_PASSWORD)).token;
    const stored = new Set(await marketCodes(second, token));
    const lost = acknowledged.filter((code) => !stored.has(code));
    assert.deepEqual(lost, [], `acknowledged ${acknowledged.length}, lost ${lost.length}`);
    // Requests cut by the kill may or may not have committed, but never half:
    // each stored market has its audit record (the logins: one each).
    assert.equal(auditCount(second), auditBefore + stored.size + 1);
  } finally {
    if (second) await second.stop();
    first.cleanup();
  }
});

test('an Idempotency-Key answer is durable with its change: a retry after a crash replays it', async () => {
  const first = await startServer();
  let second = null;
  try {
    const admin = await first.login('admin', ADMIN_PASSWORD);
    const headers = { 'Idempotency-Key': 'crash-retry-1' };
    const body = { code: 'IDEM', name: 'Idempotent market' };
    const created = await first.api('POST', '/api/v1/markets', { token: admin.token, headers, body });
    assert.equal(created.status, 201, created.text);
    process.kill(first.pid, 'SIGKILL');
    await first.exited;

    second = await startServer({ db: first.db });
    const before = second.fingerprint();
    const retried = await second.api('POST', '/api/v1/markets', { token: admin.token, headers, body });
    assert.equal(retried.status, 201, retried.text);
    assert.equal(retried.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(retried.json, created.json);
    assert.equal(second.fingerprint(), before, 'the replay did nothing again');
  } finally {
    if (second) await second.stop();
    first.cleanup();
  }
});

test('logins, right and wrong, among concurrent writes: each answered as it should be', async () => {
  const srv = await startServer();
  try {
    const admin = await srv.login('admin', ADMIN_PASSWORD);
    await srv.addUser(admin, 'clerk', 'admin');
    const auditBefore = auditCount(srv);
    const logins = Array.from({ length: 12 }, (_, i) =>
      srv.api('POST', '/api/v1/login', {
        body: { username: i % 3 === 2 ? 'clerk' : 'admin', password: i % 3 === 2 ? 'wrong password' : ADMIN_PASSWORD },
      }),
    );
    const writes = Array.from({ length: 150 }, (_, i) =>
      srv.api('POST', '/api/v1/markets', { token: admin.token, body: { code: `L${i}`, name: `Login market ${i}` } }),
    );
    const [loginAnswers, writeAnswers] = await Promise.all([Promise.all(logins), Promise.all(writes)]);
    loginAnswers.forEach((r, i) => {
      if (i % 3 === 2) assertError(r, 401, 'unauthorized');
      else assert.equal(r.status, 200, r.text);
    });
    writeAnswers.forEach((r) => assert.equal(r.status, 201, r.text));
    // One record per write, per login and per failed login.
    assert.equal(auditCount(srv), auditBefore + 150 + 12);
    const me = await srv.api('GET', '/api/v1/me', { token: loginAnswers[0].json.token });
    assert.equal(me.status, 200, me.text);
  } finally {
    await srv.stop();
  }
});

test('BLOODOPS_EXPIRY_SWEEP_SECONDS: the sweep runs at start and on its period as system:expiry-sweep, expiring outdated units', async () => {
  const srv = await startServer({ env: { BLOODOPS_EXPIRY_SWEEP_SECONDS: '1' } });
  try {
    assert.ok(await srv.waitForLog(/expiry sweep: 0 units expired/), `the sweep ran at start: ${srv.stderr()}`);
    const admin = await srv.login('admin', ADMIN_PASSWORD);
    const setup = [
      ['/api/v1/markets', { code: 'SWEEP', name: 'Sweep' }],
      ['/api/v1/centers', { code: 'SW-01', name: 'Sweep center', market: 'SWEEP', fin: 'W4321', open_date: '2001-03-15' }],
    ];
    for (const [url, body] of setup) {
      const r = await srv.api('POST', url, { token: admin.token, body });
      assert.equal(r.status, 201, r.text);
    }
    const imported = srv.cli('catalog', 'import', path.join(REPO, 'data/catalog-demo.csv'));
    assert.equal(imported.status, 0, imported.stderr);
    const donor = await srv.api('POST', '/api/v1/donors', {
      token: admin.token,
      body: { family_name: 'Sweep', given_name: 'Donor', birth_date: '1980-05-17', sex: 'M' },
    });
    assert.equal(donor.status, 201, donor.text);
    // Red cells keep 42 days: collected 40 days ago, still in date when made.
    const when = new Date(Date.now() - 40 * 86400000).toISOString().slice(0, 10);
    const collection = await srv.api('POST', '/api/v1/collections', {
      token: admin.token,
      body: {
        donor: donor.json.donor_number, center: 'SW-01', procedure: 'whole_blood', volume_ml: 500,
        collected_at: `${when}T08:00:00Z`, weight_lb: 170, hemoglobin: '14.1', temperature: '36.8',
        systolic: 120, diastolic: 80, pulse: 70,
      },
    });
    assert.equal(collection.status, 201, collection.text);
    const processed = await srv.api('POST', `/api/v1/collections/${collection.json.din}/process`, {
      token: admin.token,
      body: { components: [{ product: 'E0300' }] },
    });
    assert.equal(processed.status, 201, processed.text);
    const unit = processed.json.units[0];
    // Time passes: the unit's expiry is now behind it, and only the sweep
    // (no request) can notice.
    const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
    const aged = srv.sql(`UPDATE units SET expires_at = '${yesterday}T23:59:00Z' WHERE id = ${Number(unit.id)}`);
    assert.equal(aged.status, 0, aged.stderr);
    assert.ok(await srv.waitForLog(/expiry sweep: 1 units expired/, 20000), `a later sweep expired it: ${srv.stderr()}`);
    const shown = await srv.api('GET', `/api/v1/units/${unit.id}`, { token: admin.token });
    assert.equal(shown.json.status, 'expired', shown.text);
    const event = shown.json.events[shown.json.events.length - 1];
    assert.equal(event.to_status, 'expired');
    assert.equal(event.actor, 'system:expiry-sweep');
    assert.match(event.reason, /^expired at /);
  } finally {
    await srv.stop();
  }
});

test('BLOODOPS_EXPIRY_SWEEP_SECONDS: 0 turns the sweep off; a value that is not a number of seconds is refused', async () => {
  const off = await startServer({ env: { BLOODOPS_EXPIRY_SWEEP_SECONDS: '0' } });
  try {
    assert.equal(await off.waitForLog(/expiry sweep/, 500), null, 'no sweep when 0');
    for (const value of ['soon', '-1', '10s', '604801']) {
      const refused = spawnSync(BINARY, ['serve', '--listen', '127.0.0.1:0', '--db', off.db], {
        env: { ...process.env, BLOODOPS_EXPIRY_SWEEP_SECONDS: value },
        encoding: 'utf8',
        timeout: 10000,
      });
      assert.equal(refused.status, 1, `${value}: ${refused.stderr}`);
      assert.match(refused.stderr, /BLOODOPS_EXPIRY_SWEEP_SECONDS/);
    }
  } finally {
    await off.stop();
  }
});
