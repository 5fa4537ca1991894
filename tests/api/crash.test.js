'use strict';
/*
 * crash.test.js - kill -9 of the server under write load loses nothing it
 * acknowledged, and leaves the audit chain intact, on either backend.
 *
 * One database (a SQLite file, or a PostgreSQL database of its own), a
 * center and the demo catalog. Then CRASH_KILLS rounds (default 4): a server
 * is started on the database, sixteen clients register donors and record a
 * collection from each (tests/api/lib/crash.js), and once the load is
 * flowing (10 to 50 writes acknowledged) the server gets SIGKILL at a random
 * moment up to 1.5 s later. `bloodops audit verify` must find the chain
 * intact on the database as the crash left it (on SQLite this is also the
 * first open after the crash, which recovers the write-ahead log). After the
 * last round a server is started once more and every write whose 201 the
 * clients received is looked up through the API: every donor with its name,
 * every DIN with its donor; no donor number or DIN was handed out twice.
 * That server is then stopped cleanly and the chain verified again.
 *
 * The kill moments come from a seeded generator: the seed is printed, and
 * CRASH_SEED=<seed> replays the same moments (the machine's timing decides
 * the rest).
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, ADMIN_PASSWORD, sleep } = require('./lib/server');
const chain = require('./lib/chain');
const { random, writeLoad, killServer } = require('./lib/crash');

const KILLS = Number(process.env.CRASH_KILLS || 4);
const WORKERS = 16;
const SEED = Number(process.env.CRASH_SEED || Math.floor(Math.random() * 2 ** 31));

function verifyChain(srv, when) {
  const r = srv.cli('audit', 'verify');
  assert.equal(r.status, 0, `audit verify ${when}: ${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /audit trail intact: \d+ records verified/, `audit verify ${when}`);
  return Number(/(\d+) records/.exec(r.stdout)[1]);
}

/* Run `check` over `items`, `width` at a time: the first failure wins. */
async function each(items, width, check) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await check(items[next++]);
    }),
  );
}

test(`kill -9 under write load, ${KILLS} times: every acknowledged write is found and the audit chain is intact`, async (t) => {
  const rand = random(SEED);
  t.diagnostic(`seed ${SEED} (CRASH_SEED=${SEED} replays the kill moments)`);
  const first = await startServer();
  const servers = [first];
  let srv = first;
  const acks = { donors: [], collections: [] };
  try {
    let admin = await srv.login('admin', ADMIN_PASSWORD);
    await chain.setupCenter(srv, admin);
    chain.importDemoCatalog(srv);

    for (let round = 1; round <= KILLS; round += 1) {
      const load = writeLoad(srv, admin, { workers: WORKERS, label: `r${round}`, acks });
      await load.waitForAcks(10 + Math.floor(rand() * 40));
      await sleep(Math.floor(rand() * 1500));
      const acknowledged = load.acknowledged;
      await killServer(srv, load);
      assert.deepEqual(load.unexpected, [], `round ${round}: answers other than 201`);
      assert.deepEqual(load.earlyFailures, [], `round ${round}: requests failed before the kill`);
      const records = verifyChain(first, `after kill ${round}`);
      t.diagnostic(
        `round ${round}: killed after ${acknowledged}+ acknowledged writes (${load.acknowledged} in all); ` +
          `${records} audit records intact`,
      );
      srv = await startServer({ db: first.db });
      servers.push(srv);
      admin = await srv.login('admin', ADMIN_PASSWORD);
    }

    // Nothing handed out twice: a number or DIN acknowledged before a crash
    // and lost would be allocated again after it.
    const numbers = acks.donors.map((d) => d.donor_number);
    assert.equal(new Set(numbers).size, numbers.length, 'a donor number was acknowledged twice');
    const dins = acks.collections.map((c) => c.din);
    assert.equal(new Set(dins).size, dins.length, 'a DIN was acknowledged twice');

    const lost = [];
    await each(acks.donors, WORKERS, async ({ donor_number: number, family_name: family }) => {
      const r = await srv.api('GET', `/api/v1/donors/${number}`, { token: admin.token });
      if (r.status !== 200 || r.json.family_name !== family)
        lost.push(`donor ${number} (${family}): ${r.status} ${r.text.slice(0, 200)}`);
    });
    await each(acks.collections, WORKERS, async ({ din, donor_number: number }) => {
      const r = await srv.api('GET', `/api/v1/donations/${din}`, { token: admin.token });
      if (r.status !== 200 || r.json.donor_number !== number)
        lost.push(`collection ${din} (${number}): ${r.status} ${r.text.slice(0, 200)}`);
    });
    t.diagnostic(
      `acknowledged ${acks.donors.length} donors and ${acks.collections.length} collections, ` +
        `found ${acks.donors.length + acks.collections.length - lost.length}, lost ${lost.length}`,
    );
    assert.deepEqual(lost, [], 'acknowledged writes missing after the crashes');

    await srv.stop();
    verifyChain(first, 'at the end');
  } finally {
    // Whatever is still running, the last started first (the first one's
    // cleanup removes the database the others use); stop() of a server
    // already stopped or killed only cleans up.
    for (const server of servers.reverse()) await server.stop().catch(() => {});
  }
});
