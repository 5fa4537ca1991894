'use strict';
/*
 * registry_time_zones.test.js - the time zone of markets and donor centers
 * (docs/registry.md, "Time zones"): the default, a center taking its
 * market's zone, editing a zone over the API and the command line (audited),
 * an unknown or unusable zone refused naming time_zone with nothing changed,
 * a center's status by its own calendar, and the command line's tables
 * showing a record's times in its zone with the zone named.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertError, ADMIN_PASSWORD, CLI_ACTOR } = require('./lib/server');

let srv;
let admin;

/* The date the clocks of `zone` show now, YYYY-MM-DD. */
function todayIn(zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );
}

async function call(method, path, body) {
  return srv.api(method, path, { token: admin.token, body });
}

async function get(path) {
  const r = await call('GET', path);
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.json;
}

async function unchanged(request) {
  const before = srv.fingerprint();
  const response = await request();
  assert.equal(srv.fingerprint(), before, `the database changed after: ${response.status} ${response.text}`);
  return response;
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
});

after(async () => {
  if (srv) await srv.stop();
});

test('a market takes America/Los_Angeles unless given a zone; a center takes its market\'s', async () => {
  const west = await call('POST', '/api/v1/markets', { code: 'WEST', name: 'West' });
  assert.equal(west.status, 201, west.text);
  assert.equal(west.json.time_zone, 'America/Los_Angeles');
  const east = await call('POST', '/api/v1/markets', { code: 'EAST', name: 'East', time_zone: 'America/New_York' });
  assert.equal(east.status, 201, east.text);
  assert.equal(east.json.time_zone, 'America/New_York');

  const inherits = await call('POST', '/api/v1/centers', { code: 'E-01', name: 'Philadelphia', market: 'EAST', open_date: '2000-03-01' });
  assert.equal(inherits.status, 201, inherits.text);
  assert.equal(inherits.json.time_zone, 'America/New_York', 'the market\'s zone');
  const own = await call('POST', '/api/v1/centers', {
    code: 'E-02',
    name: 'Pittsburgh',
    market: 'EAST',
    open_date: '2000-03-01',
    time_zone: 'America/Chicago',
  });
  assert.equal(own.status, 201, own.text);
  assert.equal(own.json.time_zone, 'America/Chicago', 'its own zone');
  assert.equal((await get('/api/v1/centers/e-02')).time_zone, 'America/Chicago');
  const listed = await get('/api/v1/centers?market=EAST');
  assert.deepEqual(
    listed.items.map((c) => [c.code, c.time_zone]),
    [
      ['E-01', 'America/New_York'],
      ['E-02', 'America/Chicago'],
    ],
  );
  const markets = await get('/api/v1/markets');
  assert.deepEqual(
    markets.items.map((m) => [m.code, m.time_zone]),
    [
      ['EAST', 'America/New_York'],
      ['WEST', 'America/Los_Angeles'],
    ],
  );
});

test('a market\'s zone is edited over the API (audited); its centers keep theirs', async () => {
  await call('POST', '/api/v1/markets', { code: 'MOVE', name: 'Moving' });
  await call('POST', '/api/v1/centers', { code: 'MV-01', name: 'Mover', market: 'MOVE', open_date: '2001-01-01' });
  const r = await call('PATCH', '/api/v1/markets/MOVE', { time_zone: 'America/Denver' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.time_zone, 'America/Denver');
  assert.equal(r.json.name, 'Moving', 'the name is kept');
  assert.equal((await get('/api/v1/centers/MV-01')).time_zone, 'America/Los_Angeles', 'the center keeps its zone');
  const trail = await get('/api/v1/audit?entity=market&limit=500');
  const last = trail.items.find((item) => item.entity_id === 'MOVE' && item.action === 'update');
  assert.deepEqual(last.before, { time_zone: 'America/Los_Angeles' });
  assert.deepEqual(last.after, { time_zone: 'America/Denver' });

  const both = await call('PATCH', '/api/v1/markets/MOVE', { name: 'Mountain', time_zone: 'America/Phoenix' });
  assert.equal(both.status, 200, both.text);
  assert.equal(both.json.name, 'Mountain');
  assert.equal(both.json.time_zone, 'America/Phoenix');
  const nothing = await unchanged(() => call('PATCH', '/api/v1/markets/MOVE', {}));
  assertError(nothing, 400, 'invalid_input', { field: 'name', message: 'time_zone' });
});

test('a center\'s zone is edited over the API and on the command line (audited)', async () => {
  await call('POST', '/api/v1/centers', { code: 'TZ-01', name: 'Zoned', market: 'WEST', open_date: '2001-01-01' });
  const r = await call('PATCH', '/api/v1/centers/TZ-01', { time_zone: 'America/New_York' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.time_zone, 'America/New_York');
  assert.equal(r.json.name, 'Zoned');
  const trail = await get('/api/v1/audit?entity=center&limit=500');
  const update = trail.items.find((item) => item.entity_id === 'TZ-01' && item.action === 'update');
  assert.deepEqual(update.before, { time_zone: 'America/Los_Angeles' });
  assert.deepEqual(update.after, { time_zone: 'America/New_York' });

  const cli = srv.cli('center', 'edit', 'tz-01', '--time-zone', 'Europe/Paris', '--format', 'json');
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).time_zone, 'Europe/Paris');
  assert.equal((await get('/api/v1/centers/TZ-01')).time_zone, 'Europe/Paris');
  const again = await get('/api/v1/audit?entity=center&limit=500');
  const byCli = again.items.find((item) => item.entity_id === 'TZ-01' && item.actor === CLI_ACTOR);
  assert.deepEqual(byCli.after, { time_zone: 'Europe/Paris' });

  const added = srv.cli('market', 'add', '--code', 'CLI', '--name', 'From the command line', '--time-zone', 'America/Chicago', '--format', 'json');
  assert.equal(added.status, 0, added.stderr);
  assert.equal(JSON.parse(added.stdout).time_zone, 'America/Chicago');
  const center = srv.cli('center', 'add', '--code', 'CLI-01', '--name', 'Chicago', '--market', 'CLI', '--format', 'json');
  assert.equal(center.status, 0, center.stderr);
  assert.equal(JSON.parse(center.stdout).time_zone, 'America/Chicago', 'the market\'s zone');
  assert.equal(JSON.parse(center.stdout).open_date, todayIn('America/Chicago'), 'opened today where it is');
});

test('an unknown or unusable zone is refused naming time_zone, and nothing changes', async () => {
  const bad = ['Mars/Olympus_Mons', 'america/new_york', 'PST', 'EST', 'UTC', 'Etc/GMT+5', 'GMT+05:00', 'America/New York', ''];
  const original = {
    market: await get('/api/v1/markets/EAST'),
    center: await get('/api/v1/centers/E-01'),
  };
  for (const zone of bad) {
    const attempts = [
      ['POST', '/api/v1/markets', { code: 'BAD', name: 'Bad', time_zone: zone }],
      ['PATCH', '/api/v1/markets/EAST', { name: 'Renamed', time_zone: zone }],
      ['POST', '/api/v1/centers', { code: 'BAD-01', name: 'Bad', market: 'EAST', time_zone: zone }],
      ['PATCH', '/api/v1/centers/E-01', { name: 'Renamed', time_zone: zone }],
    ];
    for (const [method, path, body] of attempts) {
      const r = await unchanged(() => call(method, path, body));
      assertError(r, 400, 'invalid_input', { field: 'time_zone', message: 'IANA time zone' });
    }
  }
  const notText = await unchanged(() => call('PATCH', '/api/v1/centers/E-01', { time_zone: 5 }));
  assertError(notText, 400, 'invalid_input', { field: 'time_zone' });
  assert.deepEqual(await get('/api/v1/markets/EAST'), original.market);
  assert.deepEqual(await get('/api/v1/centers/E-01'), original.center);

  for (const args of [
    ['market', 'add', '--code', 'BAD', '--name', 'Bad', '--time-zone', 'Mars/Olympus_Mons'],
    ['market', 'edit', 'EAST', '--time-zone', 'PST'],
    ['center', 'add', '--code', 'BAD-01', '--name', 'Bad', '--market', 'EAST', '--time-zone', 'Nowhere/At_All'],
    ['center', 'edit', 'E-01', '--name', 'Renamed', '--time-zone', 'Etc/GMT+5'],
  ]) {
    const before = srv.fingerprint();
    const r = srv.cli(...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^bloodops: (--)?time[_-]zone: .*IANA time zone/, r.stderr);
    assert.equal(srv.fingerprint(), before, `${args.join(' ')} changed the database`);
  }
});

/* Pacific/Kiritimati (UTC+14) and Pacific/Pago_Pago (UTC-11) are 25 hours
 * apart: their dates always differ, and UTC's is one of the two or between
 * them. A close date of Kiritimati's today has come there and not yet in
 * Pago Pago, whatever the hour: a status by the UTC date would get one of
 * the two wrong. */
test('a center is closed once its close date has come in its own zone', async () => {
  const day = todayIn('Pacific/Kiritimati');
  assert.notEqual(day, todayIn('Pacific/Pago_Pago'));
  for (const [code, zone] of [
    ['KIR-01', 'Pacific/Kiritimati'],
    ['PPG-01', 'Pacific/Pago_Pago'],
  ]) {
    const r = await call('POST', '/api/v1/centers', { code, name: zone, market: 'WEST', open_date: '2001-01-01', time_zone: zone });
    assert.equal(r.status, 201, r.text);
    const closed = await call('POST', `/api/v1/centers/${code}/close`, { close_date: day, reason: 'lease ends' });
    assert.equal(closed.status, 200, closed.text);
  }
  assert.equal((await get('/api/v1/centers/KIR-01')).status, 'closed', 'its close date has come in Kiritimati');
  assert.equal((await get('/api/v1/centers/PPG-01')).status, 'open', 'not yet in Pago Pago');
  const closed = await get('/api/v1/centers?status=closed&market=WEST');
  assert.ok(closed.items.some((c) => c.code === 'KIR-01'));
  assert.ok(!closed.items.some((c) => c.code === 'PPG-01'));
  const open = await get('/api/v1/centers?status=open&market=WEST');
  assert.ok(open.items.some((c) => c.code === 'PPG-01'));
  assert.ok(!open.items.some((c) => c.code === 'KIR-01'));
});

test('command-line tables show a record\'s times in its zone, named; JSON keeps UTC', async () => {
  const json = JSON.parse(srv.cli('center', 'show', 'E-01', '--format', 'json').stdout);
  assert.match(json.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const expected = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(json.created_at));
  const part = (type) => expected.find((p) => p.type === type).value;
  const shown = `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
  assert.match(shown, / E[SD]T$/);
  const table = srv.cli('center', 'show', 'E-01');
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, new RegExp(`^CREATED\\s+${shown}$`, 'm'), table.stdout);
  assert.match(table.stdout, /^TIME ZONE\s+America\/New_York$/m);
  const csv = srv.cli('center', 'list', '--market', 'EAST', '--format', 'csv');
  assert.match(csv.stdout.split('\n')[0], /time_zone/);
});
