'use strict';
/*
 * worklist.test.js - GET /api/v1/worklist and `bloodops worklist`
 * (docs/worklists.md): each user gets the sections their capabilities give
 * and no other (the names also in GET /api/v1/me and the login answer);
 * the center's collections today and the donors due back (interval ended 3
 * and 6 days ago: due; 7 days ago, a donation yesterday, a deferral: not),
 * only at the centers of a member of center staff; the release queue
 * counted by state and the lookback cases with a step due within 3 days,
 * gone once their steps are done; the months to close, gone once closed,
 * and the findings of the latest quarter on record. Bad input names
 * `limit` and changes nothing.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');
const chain = require('./lib/chain');

let srv;
let admin;
const sessions = {}; // carla (center staff of LA-01), lena (lab), fiona (finance), eve (executive), dora (distribution)
const passwords = {};

function api(method, url, session, body) {
  return srv.api(method, url, { token: session.token, body });
}

async function worklist(session, query = '') {
  const r = await api('GET', `/api/v1/worklist${query}`, session);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.today, chain.day(0));
  return r.json;
}

async function section(session, name, query = '') {
  const found = (await worklist(session, query)).sections.find((s) => s.name === name);
  assert.ok(found, `no section ${name}`);
  return found;
}

/* YYYY-MM of the month `back` months before this one, and a day in it. */
function monthBefore(back) {
  const now = new Date();
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back + 1, 0));
  return {
    period: first.toISOString().slice(0, 7),
    first_day: first.toISOString().slice(0, 10),
    last_day: last.toISOString().slice(0, 10),
    mid: `${first.toISOString().slice(0, 7)}-15`,
  };
}

function quarterOf(date) {
  return `${date.slice(0, 4)}Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  await chain.setupCenter(srv, admin, { market: 'LA', center: 'LA-01', fin: 'W1234' });
  await chain.setupCenter(srv, admin, { market: 'NY', center: 'NY-01', fin: 'W5678', name: 'Manhattan' });
  chain.importDemoCatalog(srv);
  for (const [name, role, options] of [['carla', 'center_staff', { centers: 'LA-01' }], ['lena', 'lab'],
    ['fiona', 'finance'], ['eve', 'executive'], ['dora', 'distribution']]) {
    passwords[name] = await srv.addUser(admin, name, role, undefined, options || {});
    sessions[name] = await srv.login(name, passwords[name]);
  }
});

after(async () => {
  if (srv) await srv.stop();
});

test('each user gets the sections their capabilities give, as /me and the login say', async () => {
  const expected = {
    admin: ['collections_today', 'donors_due_back', 'release_queue', 'abo_discrepancies', 'lookback_deadlines', 'periods_to_close', 'quarter_findings'],
    carla: ['collections_today', 'donors_due_back'],
    lena: ['release_queue', 'abo_discrepancies', 'lookback_deadlines'],
    fiona: ['periods_to_close', 'quarter_findings'],
    eve: [],
    dora: [],
  };
  for (const [name, names] of Object.entries(expected)) {
    const session = name === 'admin' ? admin : sessions[name];
    const answer = await worklist(session);
    assert.deepEqual(answer.sections.map((s) => s.name), names, name);
    for (const s of answer.sections) {
      assert.equal(typeof s.title, 'string');
      assert.equal(s.count, s.name === 'release_queue' ? 0 : s.items.length, `${name} ${s.name}: nothing yet`);
    }
    const me = await api('GET', '/api/v1/me', session);
    assert.deepEqual(me.json.worklist, names, `/me of ${name}`);
    const login = await srv.api('POST', '/api/v1/login', { body: { username: name, password: name === 'admin' ? ADMIN_PASSWORD : passwords[name] } });
    assert.deepEqual(login.json.worklist, names, `login answer of ${name}`);
  }
  assert.deepEqual((await section(admin, 'collections_today')).area, 'donors');
  assert.deepEqual((await section(sessions.lena, 'release_queue')).area, 'laboratory');
  assert.deepEqual((await section(sessions.fiona, 'periods_to_close')).area, 'finance');
});

test('a limit that is not a whole number from 1 to 500 is refused naming limit, and nothing changes', async () => {
  for (const limit of ['0', '501', 'ten', '-1', '']) {
    const before = srv.fingerprint();
    const r = await api('GET', `/api/v1/worklist?limit=${limit}`, admin);
    assertError(r, 400, 'invalid_input', { field: 'limit' });
    assert.equal(srv.fingerprint(), before);
  }
});

test('center staff: the collections of today at their centers, and the donors due back', async () => {
  const donor = async (center) => (await chain.registerDonor(srv, admin, { home_center: center })).donor_number;
  // Today: one at LA-01, one at NY-01.
  const minutesAgo = (minutes) => new Date(Date.now() - minutes * 60000).toISOString().replace(/\.\d+Z$/, 'Z');
  const todayLa = await chain.collect(srv, admin, { donor: await donor('LA-01'), center: 'LA-01', collected_at: minutesAgo(2) });
  const todayNy = await chain.collect(srv, admin, { donor: await donor('NY-01'), center: 'NY-01' });
  // Whole blood: 56 days between donations.
  const due3 = await donor('LA-01'); // interval ended 3 days ago: due
  await chain.collect(srv, admin, { donor: due3, daysAgo: 59 });
  const due6 = await donor('LA-01'); // 6 days ago: due
  await chain.collect(srv, admin, { donor: due6, daysAgo: 62 });
  const due7 = await donor('LA-01'); // 7 days ago: could give a week ago, so not due
  await chain.collect(srv, admin, { donor: due7, daysAgo: 63 });
  const gaveYesterday = await donor('LA-01'); // gave again yesterday: not eligible
  await chain.collect(srv, admin, { donor: gaveYesterday, daysAgo: 59 });
  await chain.collect(srv, admin, { donor: gaveYesterday, daysAgo: 1 });
  const deferred = await donor('LA-01'); // due, but deferred since
  await chain.collect(srv, admin, { donor: deferred, daysAgo: 59 });
  const r = await api('POST', `/api/v1/donors/${deferred}/deferrals`, admin, { kind: 'temporary', reason_code: 'TRAVEL', until: chain.day(20) });
  assert.equal(r.status, 201, r.text);
  const dueNy = await donor('NY-01'); // due at NY-01
  await chain.collect(srv, admin, { donor: dueNy, center: 'NY-01', daysAgo: 58 });

  const carla = sessions.carla;
  let collections = await section(carla, 'collections_today');
  assert.equal(collections.on, chain.day(0));
  assert.equal(collections.count, 1, 'only LA-01');
  assert.deepEqual(collections.items.map((c) => [c.din, c.center, c.eye_readable]), [[todayLa.din, 'LA-01', chain.eyeReadable(srv, todayLa.din)]]);
  assert.equal(collections.items[0].processed, false);
  collections = await section(admin, 'collections_today');
  assert.equal(collections.count, 2);
  assert.deepEqual(collections.items.map((c) => c.din), [todayNy.din, todayLa.din], 'the latest first');
  collections = await section(admin, 'collections_today', '?limit=1');
  assert.equal(collections.count, 2, 'every one counted');
  assert.deepEqual(collections.items.map((c) => c.din), [todayNy.din]);

  let due = await section(carla, 'donors_due_back');
  assert.equal(due.days, 7);
  assert.deepEqual(due.items.map((d) => [d.donor_number, d.eligible_since, d.last_donation_on, d.last_donation_procedure, d.home_center]), [
    [due6, chain.day(-6), chain.day(-62), 'whole_blood', 'LA-01'],
    [due3, chain.day(-3), chain.day(-59), 'whole_blood', 'LA-01'],
  ], 'the longest due first; not the donors who could give a week ago, gave yesterday or are deferred, nor NY-01\'s');
  assert.equal(due.count, 2);
  assert.ok('phone' in due.items[0] && 'family_name' in due.items[0]);
  due = await section(admin, 'donors_due_back');
  assert.deepEqual(due.items.map((d) => d.donor_number), [due6, due3, dueNy]);
  due = await section(admin, 'donors_due_back', '?limit=2');
  assert.equal(due.count, 3);
  assert.equal(due.items.length, 2);

  // The donors' own pages agree: eligible today.
  for (const number of [due3, due6]) {
    const shown = await api('GET', `/api/v1/donors/${number}`, carla);
    assert.equal(shown.json.status, 'eligible');
    assert.equal(shown.json.next_eligible_on, chain.day(0));
  }

  // The command line: the local operator sees every center.
  const cli = srv.cli('worklist');
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /Collections today: 2/);
  assert.match(cli.stdout, /Donors due back: 3 \(interval ended in the last 7 days\)/);
  assert.match(cli.stdout, new RegExp(`${due6}\\s+Donor\\d+\\s+Test\\s+.*${chain.day(-6)}`));
  const json = srv.cli('worklist', '--format', 'json', '--limit', '1');
  assert.equal(json.status, 0, json.stderr);
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed.sections.find((s) => s.name === 'donors_due_back').items.length, 1);
  const bad = srv.cli('worklist', '--limit', 'many');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /limit/);
});

test('the laboratory: the release queue by state, the lookback deadlines within 3 days', async () => {
  const lena = sessions.lena;
  const before = await section(lena, 'release_queue');
  const counted = (s) => Object.fromEntries(s.items.map((i) => [i.state, i.count]));
  const was = counted(before);
  // Ready: every required test done and negative; waiting: no results; held: a positive screen.
  const ready = await chain.donate(srv, admin, { products: ['E0300', 'E0500'] });
  const waiting = await chain.donate(srv, admin, { products: ['E0300'] });
  const held = await chain.donate(srv, admin, { products: ['E0300', 'E0500'] });
  await chain.importResults(srv, lena, chain.resultsCsv([
    ...chain.panelRows(ready.din, chain.day(0)),
    ...chain.panelRows(held.din, chain.day(0), { overrides: { ABSCREEN: 'positive' } }),
  ]));
  const queue = await section(lena, 'release_queue');
  assert.deepEqual(queue.items.map((i) => i.state), ['ready', 'waiting', 'blocked']);
  assert.deepEqual(counted(queue), { ready: was.ready + 2, waiting: was.waiting + 1, blocked: was.blocked + 2 });
  assert.equal(queue.count, before.count + 5);
  // The same as the queue itself says.
  const listed = await api('GET', '/api/v1/release-queue?limit=500', lena);
  assert.equal(listed.json.items.length, queue.count);
  assert.equal(listed.json.items.filter((i) => i.state === 'ready').length, counted(queue).ready);
  assert.ok(waiting.units.length === 1);

  // A reactive result opens a lookback case: quarantine and notice due in 3 days.
  let lookback = await section(lena, 'lookback_deadlines');
  assert.equal(lookback.due_by, chain.day(3));
  assert.equal(lookback.count, 0);
  const reactive = await chain.donate(srv, admin, {});
  const r = await chain.importResults(srv, lena, chain.resultsCsv(chain.panelRows(reactive.din, chain.day(0), { overrides: { HCV: 'reactive' } })));
  const caseId = r.lookback_cases[0];
  lookback = await section(lena, 'lookback_deadlines');
  assert.equal(lookback.count, 1);
  assert.deepEqual(lookback.items, [{
    id: caseId, donor_number: reactive.donor, marker: 'HCV', trigger_din: reactive.din,
    trigger_eye_readable: chain.eyeReadable(srv, reactive.din), next_due: chain.day(3), overdue: false,
  }]);
  // Quarantine and notice done: the follow-up is due in 45 days, not now.
  for (const step of ['quarantine', 'notice']) {
    const done = await api('POST', `/api/v1/lookback-cases/${caseId}/steps`, lena, { step });
    assert.equal(done.status, 200, done.text);
  }
  lookback = await section(lena, 'lookback_deadlines');
  assert.equal(lookback.count, 0);
  assert.deepEqual(lookback.items, []);
  assert.equal((await worklist(sessions.carla)).sections.some((s) => s.area === 'laboratory'), false, 'center staff have no laboratory section');
});

test('finance: the months to close, gone once closed; the findings of the latest quarter on record', async () => {
  const fiona = sessions.fiona;
  let findings = await section(fiona, 'quarter_findings');
  assert.equal(findings.quarter, quarterOf(chain.day(0)), "the units processed today posted their cost into inventory");
  let periods = await section(fiona, 'periods_to_close');
  assert.deepEqual([periods.count, periods.last_closed], [0, null]);

  const post = async (date) => {
    const r = await api('POST', '/api/v1/journal', fiona, {
      date, description: 'Worklist test', lines: [{ account: '1000', amount: '250.00' }, { account: '4000', amount: '-250.00' }],
    });
    assert.equal(r.status, 201, r.text);
  };
  const three = monthBefore(3);
  const two = monthBefore(2);
  await post(three.mid);
  await post(two.mid);
  await post(chain.day(0)); // this month has not ended
  periods = await section(fiona, 'periods_to_close');
  assert.deepEqual(periods.items, [
    { period: three.period, first_day: three.first_day, last_day: three.last_day },
    { period: two.period, first_day: two.first_day, last_day: two.last_day },
  ]);
  assert.equal(periods.count, 2);

  // Closing the earlier month leaves the later one; closing it leaves none.
  let r = await api('POST', '/api/v1/periods/close', fiona, { period: three.period, password: passwords.fiona, reason: 'books final' });
  assert.equal(r.status, 201, r.text);
  periods = await section(fiona, 'periods_to_close');
  assert.deepEqual([periods.last_closed, periods.items.map((p) => p.period)], [three.period, [two.period]]);
  r = await api('POST', '/api/v1/periods/close', fiona, { period: two.period, password: passwords.fiona, reason: 'books final' });
  assert.equal(r.status, 201, r.text);
  periods = await section(fiona, 'periods_to_close');
  assert.deepEqual([periods.last_closed, periods.count, periods.items], [two.period, 0, []]);

  // The findings are the quarterly report's, of the quarter of the latest posting.
  findings = await section(fiona, 'quarter_findings');
  assert.equal(findings.quarter, quarterOf(chain.day(0)));
  const report = await api('GET', `/api/v1/reports/quarterly?period=${findings.quarter}`, fiona);
  assert.equal(report.status, 200, report.text);
  assert.deepEqual(findings.items, report.json.findings);
  assert.equal(findings.count, report.json.findings.length);
});

test('a donor due back is judged on today at their home center, not on the worklist\'s day', async () => {
  // Kiritimati (UTC+14) is a day ahead of Los Angeles but for 2 or 3 hours
  // after midnight there: a donor whose interval ends today at their center
  // is due there, though not yet on the worklist's (Los Angeles) day.
  const zone = 'Pacific/Kiritimati';
  let r = await api('PATCH', '/api/v1/centers/NY-01', admin, { time_zone: zone });
  assert.equal(r.status, 200, r.text);
  try {
    const number = (await chain.registerDonor(srv, admin, { home_center: 'NY-01' })).donor_number;
    const collected_at = new Date(Date.now() - 56 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
    await chain.collect(srv, admin, { donor: number, center: 'NY-01', collected_at });
    const due = await section(admin, 'donors_due_back', '?limit=500');
    const item = due.items.find((d) => d.donor_number === number);
    assert.ok(item, 'due: eligible from today at NY-01');
    assert.equal(item.eligible_since, chain.day(0, zone));
  } finally {
    r = await api('PATCH', '/api/v1/centers/NY-01', admin, { time_zone: 'America/New_York' });
    assert.equal(r.status, 200, r.text);
  }
});
