'use strict';
/*
 * crash.js - a write load through the API and kill -9 of the server under
 * it, for tests/api/crash.test.js.
 *
 *   const load = writeLoad(srv, admin, { workers: 16, label: 'r1', acks });
 *   await load.waitForAcks(10);       // the load is flowing
 *   await killServer(srv, load);      // SIGKILL, wait for the exit, let the load end
 *
 * Each worker of the load loops over one write pair: register a new donor
 * (POST /api/v1/donors), then record a whole-blood collection from that
 * donor (POST /api/v1/collections: a DIN allocated, eligibility checked,
 * an audit record, all group-committed). A write counts as acknowledged
 * when the client received its 201 and the whole body (the donor number,
 * the DIN): only then does it go into `acks`. The workers keep their
 * connections open (keep-alive), as a busy client would, so that many
 * writes are in flight at the kill. A request that fails on the
 * wire (the server killed under it) is not acknowledged and ends the
 * worker. Any other answer than 201 is kept in `load.unexpected`, and a
 * wire failure before the kill in `load.earlyFailures`: a test asserts both
 * empty.
 */
const assert = require('node:assert/strict');
const { HEALTHY, at } = require('./chain');
const { sleep } = require('./server');

/* A small seeded PRNG (mulberry32): the test prints its seed, and
 * CRASH_SEED=<seed> replays the same kill moments. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/* Register donors and record their collections on `srv` with `workers`
 * concurrent clients until the server dies (or stop() is called).
 * acks: {donors: [{donor_number, family_name}], collections: [{din, donor_number}]},
 * appended to as answers arrive. */
function writeLoad(srv, session, { workers = 8, label = 'r', acks }) {
  const state = {
    killed: false,
    stopped: false,
    acknowledged: 0,
    unexpected: [],
    earlyFailures: [],
  };
  let count = 0;

  /* One request: the answer, or null when it failed on the wire. */
  async function send(path, body) {
    try {
      return await srv.api('POST', path, { token: session.token, body, keepAlive: true });
    } catch (error) {
      if (!state.killed) state.earlyFailures.push(`${path}: ${error.cause?.code || error.message}`);
      return null;
    }
  }

  async function worker(w) {
    while (!state.killed && !state.stopped) {
      count += 1;
      const family = `Crash${label}w${w}n${count}`;
      const donor = await send('/api/v1/donors', {
        family_name: family,
        given_name: 'Load',
        birth_date: '1980-05-17',
        sex: w % 2 ? 'M' : 'F',
      });
      if (!donor) return;
      if (donor.status !== 201 || !donor.json?.donor_number) {
        state.unexpected.push(`POST /api/v1/donors: ${donor.status} ${donor.text}`);
        continue;
      }
      acks.donors.push({ donor_number: donor.json.donor_number, family_name: family });
      state.acknowledged += 1;
      if (state.killed || state.stopped) return;
      const collection = await send('/api/v1/collections', {
        ...HEALTHY,
        donor: donor.json.donor_number,
        center: 'LA-01',
        collected_at: at(0),
      });
      if (!collection) return;
      if (collection.status !== 201 || !collection.json?.din) {
        state.unexpected.push(`POST /api/v1/collections: ${collection.status} ${collection.text}`);
        continue;
      }
      acks.collections.push({ din: collection.json.din, donor_number: donor.json.donor_number });
      state.acknowledged += 1;
    }
  }

  const done = Promise.all(Array.from({ length: workers }, (_, w) => worker(w + 1)));
  return {
    state,
    done,
    get unexpected() {
      return state.unexpected;
    },
    get earlyFailures() {
      return state.earlyFailures;
    },
    get acknowledged() {
      return state.acknowledged;
    },
    /* Resolves once this load has `n` acknowledged writes; fails after
     * `timeoutMs`, or when every worker ended first. */
    async waitForAcks(n, timeoutMs = 20000) {
      const deadline = Date.now() + timeoutMs;
      let ended = false;
      done.then(() => {
        ended = true;
      });
      while (state.acknowledged < n) {
        if (ended) {
          const why = [...state.unexpected, ...state.earlyFailures].slice(0, 5).join('; ');
          assert.fail(`the write load ended after ${state.acknowledged} acknowledged writes: ${why}`);
        }
        if (Date.now() > deadline)
          assert.fail(`only ${state.acknowledged} writes acknowledged in ${timeoutMs} ms`);
        await sleep(5);
      }
    },
    /* Ends the load without a kill: the workers finish their write pair. */
    stop() {
      state.stopped = true;
      return done;
    },
  };
}

/* SIGKILL the server under `load`, wait for its exit and for the load's
 * workers to end. Fails if the server had already exited, or reported
 * anything to a sanitizer before it was killed. */
async function killServer(srv, load) {
  if (load) load.state.killed = true;
  process.kill(srv.pid, 'SIGKILL');
  const result = await srv.exited;
  assert.deepEqual(
    result,
    { code: null, signal: 'SIGKILL' },
    `the server should die of the SIGKILL; stderr:\n${srv.stderr().slice(-2000)}`,
  );
  const report = srv.sanitizerReport();
  assert.equal(report, '', `sanitizer report from the server before its kill:\n${report}`);
  if (load) await load.done;
}

module.exports = { random, writeLoad, killServer };
