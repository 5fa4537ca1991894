'use strict';
/*
 * standing_orders.test.js - standing orders over HTTP and the command line
 * (docs/distribution.md, "Standing orders"): a standing order with its
 * weekly schedule and lines; the run creates exactly the scheduled days of
 * its horizon (today and tomorrow unless told), each an ordinary order on
 * the board needed by that day at the standing order's time in the
 * hospital's zone, naming its standing order; running again creates
 * nothing; a line removed leaves the orders made before it as they were;
 * runs at once (the server's and commands') create each day once; a day
 * whose time has passed and days after the last are not created;
 * stopping; the server's sweep runs them as system:standing-orders; bad
 * input refused naming the field with the database unchanged. Runs on
 * SQLite and PostgreSQL alike.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const { BINARY, startServer, assertError, ADMIN_PASSWORD } = require('./lib/server');
const calls = require('./lib/calls');
const chain = require('./lib/chain');

const { day, utcOf } = chain;
const EAST = 'America/New_York';
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/* The weekday name of a YYYY-MM-DD. */
function weekday(date) {
  return WEEKDAYS[(new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7];
}

describe('standing orders: schedule, run, horizon, stop', () => {
  let srv;
  let admin;
  let dist;
  let auditor;

  const { post, get, ok, refused } = calls(() => srv);

  async function standing(body, lines = [{ family: 'red_cells', group: 'O NEG', quantity: 2 }]) {
    const s = await ok(post(dist, '/api/v1/standing-orders', body), 201);
    let shown = s;
    for (const line of lines) shown = await ok(post(dist, `/api/v1/standing-orders/${s.id}/lines`, line), 201);
    return shown;
  }
  const run = (body = {}) => ok(post(dist, '/api/v1/standing-orders/run', body));
  const createdFor = (result, id) => result.created.filter((c) => c.standing_order === id);

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    await chain.setupCenter(srv, admin);
    await ok(post(admin, '/api/v1/markets', { code: 'EAST', name: 'East', time_zone: EAST }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'SOCAL' }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'MERCY', name: 'Mercy Hospital', market: 'SOCAL' }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'BELLE', name: 'Bellevue', market: 'EAST' }), 201);
    await srv.addUser(admin, 'dist', 'distribution');
    await srv.addUser(admin, 'aud', 'auditor');
    dist = await srv.login('dist', 'dist-password-1');
    auditor = await srv.login('aud', 'aud-password-1');
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  test('a standing order with its schedule and lines, listed and shown', async () => {
    const s = await standing(
      { hospital: 'mercy', priority: 'asap', days: 'Fri, mon,WED', time: '07:00', from: day(30), to: day(60) },
      [
        { family: 'red_cells', group: 'O NEG', quantity: 4 },
        { family: 'platelets', group: 'A+', quantity: '1', irradiated: true, cmv_negative: true },
      ],
    );
    assert.equal(s.hospital, 'MERCY');
    assert.equal(s.days, 'mon,wed,fri', 'Monday first, as written back');
    assert.equal(s.time, '07:00');
    assert.equal(s.time_zone, 'America/Los_Angeles', "the hospital's market's zone");
    assert.equal(s.from, day(30));
    assert.equal(s.to, day(60));
    assert.equal(s.active, true);
    assert.equal(s.created_by, 'dist');
    assert.deepEqual(s.lines.map((l) => [l.family, l.group, l.quantity, l.irradiated, l.cmv_negative]),
      [['red_cells', 'O NEG', 4, false, false], ['platelets', 'A POS', 1, true, true]]);
    assert.equal(s.units, 5);
    assert.deepEqual(s.orders, []);

    /* A hospital of no market: the default zone. */
    await ok(post(admin, '/api/v1/hospitals', { code: 'LONE', name: 'Lone Pine' }), 201);
    const lone = await ok(post(dist, '/api/v1/standing-orders', { hospital: 'LONE', priority: 'routine', days: 'sun', time: '10:00', from: day(30) }), 201);
    assert.equal(lone.time_zone, 'America/Los_Angeles');
    assert.equal(lone.to, null);

    const shown = await ok(get(auditor, `/api/v1/standing-orders/${s.id}`));
    assert.deepEqual(shown.lines, s.lines);
    const listed = await ok(get(auditor, '/api/v1/standing-orders?hospital=MERCY&status=active&sort=-id&offset=0'));
    assert.equal(listed.total, 1);
    assert.equal(listed.items[0].id, s.id);
    assert.equal(listed.items[0].lines_count, 2);

    const trail = await ok(get(admin, `/api/v1/audit?entity=standing_order&entity_id=${s.id}`));
    assert.deepEqual(trail.items.map((r) => r.action).sort(), ['create', 'line', 'line']);
    /* Reading is for `orders`; writing for `orders.write`. */
    const r = await post(auditor, '/api/v1/standing-orders', { hospital: 'MERCY', priority: 'asap', days: 'mon', time: '07:00', from: day(1) });
    assertError(r, 403, 'forbidden');
  });

  test('the run creates exactly the scheduled days through tomorrow, needed by the local time; again, nothing', async () => {
    const tomorrow = day(1);
    /* Tomorrow's weekday and the one three days on, not today's. */
    const west = await standing({ hospital: 'CEDARS', priority: 'routine', days: `${weekday(day(1))},${weekday(day(3))}`, time: '07:00', from: day(0) }, [
      { family: 'red_cells', group: 'O POS', quantity: 3 },
      { family: 'plasma', group: 'AB-', quantity: 2 },
    ]);
    /* In New York, tomorrow there at 06:30 there. */
    const eastTomorrow = day(1, EAST);
    const east = await standing({ hospital: 'BELLE', priority: 'stat', days: weekday(eastTomorrow), time: '06:30', from: day(-10, EAST) });
    /* Starting after the horizon; without lines; ended before today. */
    const later = await standing({ hospital: 'CEDARS', priority: 'routine', days: 'mon,tue,wed,thu,fri,sat,sun', time: '12:00', from: day(2) });
    const empty = await standing({ hospital: 'CEDARS', priority: 'routine', days: 'mon,tue,wed,thu,fri,sat,sun', time: '12:00', from: day(0) }, []);
    const ended = await standing({ hospital: 'CEDARS', priority: 'routine', days: 'mon,tue,wed,thu,fri,sat,sun', time: '12:00', from: day(-9), to: day(-1) });

    const first = await run();
    assert.equal(first.through, null, 'the default horizon');
    const westDays = createdFor(first, west.id);
    assert.deepEqual(westDays.map((c) => c.day), [tomorrow]);
    assert.equal(westDays[0].needed_by, utcOf(tomorrow, '07:00'));
    const eastDays = createdFor(first, east.id);
    assert.deepEqual(eastDays.map((c) => c.day), [eastTomorrow]);
    assert.equal(eastDays[0].needed_by, utcOf(eastTomorrow, '06:30', EAST));
    for (const s of [later, empty, ended]) assert.deepEqual(createdFor(first, s.id), [], `standing order ${s.id}`);

    /* The order is an ordinary open order, on the board, from its standing order. */
    const o = await ok(get(dist, `/api/v1/orders/${westDays[0].order}`));
    assert.equal(o.hospital, 'CEDARS');
    assert.equal(o.priority, 'routine');
    assert.equal(o.status, 'open');
    assert.equal(o.needed_by, utcOf(tomorrow, '07:00'));
    assert.equal(o.standing_order, west.id);
    assert.deepEqual(o.lines.map((l) => [l.family, l.group, l.quantity]), [['red_cells', 'O POS', 3], ['plasma', 'AB NEG', 2]]);
    assert.equal(Date.parse(o.deadline) - Date.parse(o.ordered_at), 24 * 3600e3, 'the clock of its priority');
    const board = await ok(get(dist, '/api/v1/orders?status=open&sort=deadline&offset=0'));
    assert.ok(board.items.some((i) => i.id === o.id && i.standing_order === west.id));
    const eastOrder = await ok(get(dist, `/api/v1/orders/${eastDays[0].order}`));
    assert.equal(eastOrder.priority, 'stat');
    assert.equal(eastOrder.standing_order, east.id);
    const hand = await ok(post(dist, '/api/v1/orders', { hospital: 'CEDARS', priority: 'stat', needed_by: chain.fromNow(3) }), 201);
    assert.equal(hand.standing_order, null, 'an order taken by hand');

    /* Audited: the order as created by the run, and the day on the standing order. */
    const orderTrail = await ok(get(admin, `/api/v1/audit?entity=order&entity_id=${o.id}`));
    assert.deepEqual(orderTrail.items.map((r) => r.action).sort(), ['create', 'line', 'line']);
    assert.ok(orderTrail.items.every((r) => r.actor === 'dist'));
    const runTrail = await ok(get(admin, `/api/v1/audit?entity=standing_order&entity_id=${west.id}&action=run`));
    assert.equal(runTrail.items.length, 1);
    assert.deepEqual(runTrail.items[0].after, { day: tomorrow, order: o.id });

    /* Again: nothing, and the database is as it was. */
    const fingerprint = srv.fingerprint();
    const again = await run();
    assert.deepEqual(again.created, []);
    assert.equal(srv.fingerprint(), fingerprint);

    /* A wider horizon adds the days up to it, never tomorrow again. */
    const wider = await run({ through: day(3) });
    assert.equal(wider.through, day(3));
    assert.deepEqual(createdFor(wider, west.id).map((c) => c.day), [day(3)]);
    assert.deepEqual(createdFor(wider, later.id).map((c) => c.day), [day(2), day(3)]);
    assert.deepEqual(createdFor(wider, empty.id), []);
    assert.deepEqual(createdFor(wider, ended.id), []);
    const shown = await ok(get(dist, `/api/v1/standing-orders/${west.id}`));
    assert.deepEqual(shown.orders.map((c) => c.day), [day(3), tomorrow], 'latest first');
    assert.equal(shown.last_day_created, day(3));
  });

  test('a day whose time has passed is not created: no back-filling', async () => {
    /* Today at 00:00 has always passed. */
    const s = await standing({ hospital: 'MERCY', priority: 'asap', days: weekday(day(0)), time: '00:00', from: day(-20) });
    const result = await run({ through: day(0) });
    assert.deepEqual(createdFor(result, s.id), []);
    assert.deepEqual((await ok(get(dist, `/api/v1/standing-orders/${s.id}`))).orders, []);
  });

  test('runs at once, over the API and from the command line, create each day once', async () => {
    const s = await standing({ hospital: 'MERCY', priority: 'routine', days: 'mon,tue,wed,thu,fri,sat,sun', time: '23:00', from: day(1) });
    const cliRun = () => new Promise((resolve) => {
      execFile(BINARY, ['order', 'standing', 'run', '--through', day(6), '--format', 'json', '--db', srv.db],
        { env: { ...process.env, BLOODOPS_DB: '' } }, (error, stdout, stderr) => {
          assert.equal(error, null, stderr);
          resolve(JSON.parse(stdout));
        });
    });
    const results = await Promise.all([
      ...Array.from({ length: 6 }, () => run({ through: day(6) })),
      cliRun(), cliRun(),
    ]);
    const days = results.flatMap((r) => createdFor(r, s.id).map((c) => c.day)).sort();
    const expected = [1, 2, 3, 4, 5, 6].map((n) => day(n));
    assert.deepEqual(days, expected, 'each day created by exactly one run');
    const shown = await ok(get(dist, `/api/v1/standing-orders/${s.id}`));
    assert.deepEqual(shown.orders.map((c) => c.day).sort(), expected);
    const orders = await ok(get(dist, '/api/v1/orders?hospital=MERCY&limit=500'));
    assert.equal(orders.items.filter((o) => o.standing_order === s.id).length, 6, 'one order a day');
  });

  test('stopping: no more orders; a stopped standing order takes no lines and stops once', async () => {
    const s = await standing({ hospital: 'CEDARS', priority: 'asap', days: 'mon,tue,wed,thu,fri,sat,sun', time: '22:00', from: day(4) });
    const stopped = await ok(post(dist, `/api/v1/standing-orders/${s.id}/stop`, {}));
    assert.equal(stopped.active, false);
    assert.equal(stopped.stopped_by, 'dist');
    assert.ok(stopped.stopped_at);
    const result = await run({ through: day(6) });
    assert.deepEqual(createdFor(result, s.id), []);
    await refused(() => post(dist, `/api/v1/standing-orders/${s.id}/stop`, {}), 'standing_order', /stopped/);
    await refused(() => post(dist, `/api/v1/standing-orders/${s.id}/lines`, { family: 'plasma', group: 'A+', quantity: 1 }), 'standing_order', /stopped/);
    await refused(() => post(dist, `/api/v1/standing-orders/${s.id}/lines/${s.lines[0].id}/remove`, {}), 'standing_order', /stopped/);
    const listed = await ok(get(dist, '/api/v1/standing-orders?status=stopped'));
    assert.deepEqual(listed.items.map((i) => i.id), [s.id]);
    assert.equal(listed.items[0].active, false);
    const trail = await ok(get(admin, `/api/v1/audit?entity=standing_order&entity_id=${s.id}&action=stop`));
    assert.equal(trail.items[0].before.active, true);
    assert.equal(trail.items[0].after.active, false);
  });

  test('a line removed: the orders made afterwards go without it', async () => {
    const s = await standing({ hospital: 'MERCY', priority: 'routine', days: 'mon,tue,wed,thu,fri,sat,sun', time: '21:00', from: day(8), to: day(9) }, [
      { family: 'red_cells', group: 'O NEG', quantity: 2 },
      { family: 'plasma', group: 'AB POS', quantity: 1 },
    ]);
    const first = await ok(post(dist, '/api/v1/standing-orders/run', { through: day(8) }));
    const made = createdFor(first, s.id);
    assert.equal(made.length, 1);
    const removed = await ok(post(dist, `/api/v1/standing-orders/${s.id}/lines/${s.lines[1].id}/remove`, {}));
    assert.deepEqual(removed.lines.map((l) => l.family), ['red_cells']);
    const second = createdFor(await run({ through: day(9) }), s.id);
    assert.deepEqual(second.map((c) => c.day), [day(9)]);
    const later = await ok(get(dist, `/api/v1/orders/${second[0].order}`));
    assert.deepEqual(later.lines.map((l) => l.family), ['red_cells']);
    const earlier = await ok(get(dist, `/api/v1/orders/${made[0].order}`));
    assert.deepEqual(earlier.lines.map((l) => l.family), ['red_cells', 'plasma'], 'an order made stays as it was');
    const trail = await ok(get(admin, `/api/v1/audit?entity=standing_order&entity_id=${s.id}&action=line_remove`));
    assert.equal(trail.items[0].before.lines.length, 2);
    await refused(() => post(dist, `/api/v1/standing-orders/${s.id}/lines/${s.lines[1].id}/remove`, {}), 'line', /has no line/);
    await refused(() => post(dist, `/api/v1/standing-orders/${s.id}/lines/x/remove`, {}), 'line');
    const r = srv.cli('order', 'standing', 'remove-line', String(s.id), String(s.lines[0].id));
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await ok(get(dist, `/api/v1/standing-orders/${s.id}`))).lines.length, 0);
  });

  test('bad input is refused naming the field, nothing changed', async () => {
    const good = { hospital: 'CEDARS', priority: 'routine', days: 'mon,wed', time: '07:00', from: day(1) };
    const bad = [
      [{ days: '' }, 'days', null],
      [{ days: ' , ' }, 'days', /empty weekday/],
      [{ days: 'mon,funday' }, 'days', /'funday' is not a weekday/],
      [{ days: 'mon,mon' }, 'days', /twice/],
      [{ time: '7:00' }, 'time', /HH:MM/],
      [{ time: '24:00' }, 'time', /not a time of day/],
      [{ time: '07:00:00' }, 'time', /HH:MM/],
      [{ from: '2026-02-30' }, 'from', null],
      [{ to: day(0) }, 'to', /before the first day/],
      [{ to: 'tomorrow' }, 'to', null],
      [{ hospital: 'NOWHERE' }, 'hospital', /no hospital 'NOWHERE'/],
      [{ priority: 'urgent' }, 'priority', null],
    ];
    for (const [change, field, message] of bad)
      await refused(() => post(dist, '/api/v1/standing-orders', { ...good, ...change }), field, message);
    for (const missing of ['hospital', 'days', 'time', 'from']) {
      const body = { ...good };
      delete body[missing];
      await refused(() => post(dist, '/api/v1/standing-orders', body), missing);
    }

    const s = await standing(good, []);
    const line = { family: 'red_cells', group: 'O NEG', quantity: 1 };
    for (const [change, field, message] of [
      [{ family: 'blood' }, 'family', /not a family/],
      [{ group: 'O' }, 'group', null],
      [{ quantity: 0 }, 'quantity', null],
      [{ quantity: 501 }, 'quantity', null],
    ])
      await refused(() => post(dist, `/api/v1/standing-orders/${s.id}/lines`, { ...line, ...change }), field, message);
    await refused(() => post(dist, '/api/v1/standing-orders/999999/lines', line), 'standing_order', /no standing order/);
    await refused(() => post(dist, '/api/v1/standing-orders/x1/stop', {}), 'standing_order');
    await refused(() => get(dist, '/api/v1/standing-orders/999999'), 'standing_order');
    await refused(() => get(dist, '/api/v1/standing-orders?status=open'), 'status');
    await refused(() => post(dist, '/api/v1/standing-orders/run', { through: '2026-13-01' }), 'through');
    await refused(() => post(dist, '/api/v1/standing-orders/run', { through: day(40) }), 'through', /more than 31 days ahead/);
  });

  test('the command line: add, line, show, run, list, stop', async () => {
    const add = srv.cli('order', 'standing', 'add', '--hospital', 'BELLE', '--priority', 'routine',
      '--days', weekday(day(5, EAST)), '--time', '09:15', '--from', day(5, EAST), '--to', day(5, EAST));
    assert.equal(add.status, 0, add.stderr);
    const id = Number(add.stdout.trim());
    assert.ok(id > 0, add.stdout);
    const line = srv.cli('order', 'standing', 'line', String(id), '--family', 'platelets', '--group', 'B NEG', '--quantity', '2', '--irradiated');
    assert.equal(line.status, 0, line.stderr);
    assert.match(line.stdout, /platelets\s+B NEG\s+yes/);
    const runCli = srv.cli('order', 'standing', 'run', '--through', day(6), '--format', 'json');
    assert.equal(runCli.status, 0, runCli.stderr);
    const made = JSON.parse(runCli.stdout).created.filter((c) => c.standing_order === id);
    assert.deepEqual(made.map((c) => [c.day, c.needed_by]), [[day(5, EAST), utcOf(day(5, EAST), '09:15', EAST)]]);
    const orderShown = srv.cli('order', 'show', String(made[0].order));
    assert.match(orderShown.stdout, new RegExp(`STANDING ORDER\\s+${id}\\n`), 'the order names its standing order');
    const show = srv.cli('order', 'standing', 'show', String(id));
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /Orders created/);
    assert.match(show.stdout, new RegExp(day(5, EAST)));
    const list = srv.cli('order', 'standing', 'list', '--hospital', 'BELLE', '--format', 'csv');
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^${id},BELLE,routine,`, 'm'));
    const stop = srv.cli('order', 'standing', 'stop', String(id));
    assert.equal(stop.status, 0, stop.stderr);
    assert.equal(srv.cli('order', 'standing', 'stop', String(id)).status, 1);

    const before = srv.fingerprint();
    const badDays = srv.cli('order', 'standing', 'add', '--hospital', 'BELLE', '--priority', 'routine',
      '--days', 'someday', '--time', '09:15', '--from', day(1));
    assert.equal(badDays.status, 1);
    assert.match(badDays.stderr, /--days: 'someday' is not a weekday/);
    const badTo = srv.cli('order', 'standing', 'add', '--hospital', 'BELLE', '--priority', 'routine',
      '--days', 'mon', '--time', '09:15', '--from', day(3), '--to', day(2));
    assert.match(badTo.stderr, /--to: .*before the first day/);
    assert.equal(srv.fingerprint(), before);
    const help = srv.cli('order', 'standing', 'add', '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--days DAYS/);
  });
});

test('the server\'s sweep runs the standing orders as system:standing-orders', async () => {
  const srv = await startServer({ env: { BLOODOPS_EXPIRY_SWEEP_SECONDS: '1' } });
  try {
    const { post, get, ok } = calls(() => srv);
    const admin = await srv.login('admin', ADMIN_PASSWORD);
    await chain.setupCenter(srv, admin);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'SOCAL' }), 201);
    const s = await ok(post(admin, '/api/v1/standing-orders', { hospital: 'CEDARS', priority: 'routine', days: weekday(day(1)), time: '08:00', from: day(0) }), 201);
    await ok(post(admin, `/api/v1/standing-orders/${s.id}/lines`, { family: 'red_cells', group: 'A NEG', quantity: 1 }), 201);
    let shown;
    for (let i = 0; i < 100; i++) {
      shown = await ok(get(admin, `/api/v1/standing-orders/${s.id}`));
      if (shown.orders.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(shown.orders.map((c) => c.day), [day(1)]);
    const o = await ok(get(admin, `/api/v1/orders/${shown.orders[0].order}`));
    assert.equal(o.created_by, 'system:standing-orders');
    assert.equal(o.needed_by, utcOf(day(1), '08:00'));
  } finally {
    await srv.stop();
  }
});
