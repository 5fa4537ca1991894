'use strict';
/*
 * apheresis_orders.test.js - apheresis patients and physicians' orders over
 * HTTP and the command line (docs/apheresis.md): a patient added, edited,
 * listed and shown, each read of their record (and of an order) leaving an
 * audit record of who read it; market scope: a nurse of New York neither
 * sees nor writes a Los Angeles patient or order (404, not in the lists)
 * and cannot add a patient at a Los Angeles hospital (403); orders with
 * their calculations equal to what `bloodops apheresis calc --format json`
 * computes from the same inputs, and the calculators over HTTP answering
 * the same JSON; cancelling with a reason; bad input refused naming the
 * field with the database unchanged. Runs on SQLite and PostgreSQL alike.
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, ADMIN_PASSWORD } = require('./lib/server');
const calls = require('./lib/calls');

describe('apheresis patients and orders', () => {
  let srv;
  let admin;
  let nurseLA;
  let nurseNY;
  let auditor;
  let finance;
  let lab;

  const { post, get, ok, refused } = calls(() => srv);
  const patch = (session, route, body) => srv.api('PATCH', route, { token: session.token, body });

  const JANE = {
    hospital: 'CEDARS', mrn: 'MRN-1001', family_name: 'Doe', given_name: 'Jane',
    birth_date: '1970-03-04', sex: 'female', height_m: '1.60', weight_kg: 60,
  };
  const TPE = {
    physician: 'Dr. Ana Ruiz', procedure_type: 'plasma_exchange', indication: 'Guillain-Barré syndrome',
    asfa_category: 'I', asfa_grade: '1A', procedures: 5, frequency: 'every 2 days',
    hct: '0.40', volumes: '1.5', albumin_fraction: '0.5', anticoagulant: 'acd_a', ratio: '1:12', inlet_ml_min: 60,
  };

  /* The CLI calculator's JSON for these arguments. */
  function calc(...args) {
    const r = srv.cli('apheresis', 'calc', ...args, '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  }

  async function auditOf(entity, id) {
    const r = await ok(get(admin, `/api/v1/audit?entity=${entity}&entity_id=${id}&limit=500`));
    return r.items;
  }

  before(async () => {
    srv = await startServer();
    admin = await srv.login('admin', ADMIN_PASSWORD);
    for (const [code, name, zone] of [['LA', 'Los Angeles', 'America/Los_Angeles'], ['NY', 'New York', 'America/New_York']])
      await ok(post(admin, '/api/v1/markets', { code, name, time_zone: zone }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'CEDARS', name: 'Cedars Hospital', market: 'LA' }), 201);
    await ok(post(admin, '/api/v1/hospitals', { code: 'BELLE', name: 'Bellevue', market: 'NY' }), 201);
    for (const [username, role] of [['nla', 'apheresis_nurse'], ['nny', 'apheresis_nurse'], ['aud', 'auditor'],
      ['fin', 'finance'], ['labby', 'lab']])
      await srv.addUser(admin, username, role);
    await ok(srv.api('PUT', '/api/v1/users/nla/scope', { token: admin.token, body: { markets: 'LA' } }));
    await ok(srv.api('PUT', '/api/v1/users/nny/scope', { token: admin.token, body: { markets: 'NY' } }));
    nurseLA = await srv.login('nla', 'nla-password-1');
    nurseNY = await srv.login('nny', 'nny-password-1');
    auditor = await srv.login('aud', 'aud-password-1');
    finance = await srv.login('fin', 'fin-password-1');
    lab = await srv.login('labby', 'labby-password-1');
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  let jane;
  let order;

  test('a patient added, shown with their blood volume, edited; every read of the record is audited', async () => {
    jane = await ok(post(nurseLA, '/api/v1/patients', { ...JANE, hospital: ' cedars ' }), 201);
    assert.equal(jane.hospital, 'CEDARS');
    assert.equal(jane.market, 'LA');
    assert.deepEqual([jane.sex, jane.height_m, jane.weight_kg], ['female', 1.6, 60]);
    assert.equal(jane.created_by, 'nla');

    const readsBefore = (await auditOf('apheresis_patient', jane.id)).filter((r) => r.action === 'read').length;
    const shown = await ok(get(nurseLA, `/api/v1/patients/${jane.id}`));
    assert.deepEqual(shown.tbv, calc('tbv', '--sex', 'female', '--height-m', '1.60', '--weight-kg', '60'));
    assert.deepEqual(shown.orders, []);
    await ok(get(admin, `/api/v1/patients/${jane.id}`));
    // patient data: the nurses of the market and administrators, not auditors nor executives
    assert.equal((await get(auditor, `/api/v1/patients/${jane.id}`)).status, 403);
    assert.equal((await get(auditor, '/api/v1/patients')).status, 403);
    const reads = (await auditOf('apheresis_patient', jane.id)).filter((r) => r.action === 'read');
    assert.equal(reads.length, readsBefore + 2, 'each read of the record leaves one audit record');
    assert.deepEqual(reads.map((r) => r.actor).sort(), ['admin', 'nla']);
    assert.ok(reads.every((r) => r.at), 'when it was read');

    // A list of names is not a read of a record: not audited.
    const list = await ok(get(nurseLA, '/api/v1/patients?q=doe'));
    assert.deepEqual(list.items.map((p) => p.mrn), ['MRN-1001']);
    assert.equal(list.items[0].sex, undefined, 'the list holds no clinical data');
    assert.equal((await auditOf('apheresis_patient', jane.id)).filter((r) => r.action === 'read').length, readsBefore + 2);

    const edited = await ok(patch(nurseLA, `/api/v1/patients/${jane.id}`, { weight_kg: '62.5' }));
    assert.equal(edited.weight_kg, 62.5);
    assert.equal(edited.height_m, 1.6, 'what is not given stays');
    const trail = await auditOf('apheresis_patient', jane.id);
    const edit = trail.find((r) => r.action === 'edit');
    assert.deepEqual([edit.before.weight_kg, edit.after.weight_kg], [60, 62.5]);
    await ok(patch(nurseLA, `/api/v1/patients/${jane.id}`, { weight_kg: 60 }));
  });

  test('a plasma exchange order carries its calculations, equal to the calculators\' figures from the same inputs', async () => {
    order = await ok(post(nurseLA, '/api/v1/apheresis-orders', { ...TPE, patient: jane.id }), 201);
    assert.equal(order.status, 'active');
    assert.equal(order.procedure_label, 'therapeutic plasma exchange');
    assert.deepEqual([order.asfa_category, order.asfa_grade, order.frequency, order.frequency_kind, order.frequency_n],
      ['I', '1A', 'every 2 days', 'every_days', 2]);
    assert.deepEqual(order.prescription, {
      hct: 0.4, volumes: 1.5, albumin_fraction: 0.5, replacement_hct: null, remaining: null, target_hct: null,
      unit_ml: null, ratio: 12, inlet_ml_min: 60, anticoagulant: 'acd_a',
    });
    const body = ['--sex', 'female', '--height-m', '1.60', '--weight-kg', '60'];
    assert.deepEqual(order.calculations.tbv, calc('tbv', ...body));
    assert.deepEqual(order.calculations.plasma_exchange,
      calc('plasma-exchange', ...body, '--hct', '0.40', '--volumes', '1.5', '--albumin-fraction', '0.5'));
    assert.deepEqual(order.calculations.anticoagulant, calc('anticoagulant', '--inlet-ml-min', '60', '--ratio', '12'));
    // 3.6266856 L x 0.6 = 2.176 L of plasma; 1.5 volumes = 3.264 L, half albumin: 1632 mL = 7 vials
    assert.deepEqual(order.calculations.plasma_exchange.plasma_volume, { value: 2.18, unit: 'L' });
    assert.deepEqual(order.calculations.plasma_exchange.albumin_vials, { value: 7, unit: 'vials' });
    assert.deepEqual(order.calculations.anticoagulant.ac_rate, { value: 5, unit: 'mL/min' });
    assert.equal(order.calculations.red_cell_exchange, undefined);

    const shown = await ok(get(admin, `/api/v1/apheresis-orders/${order.id}`));
    assert.deepEqual(shown, order, 'shown as created');
    assert.equal((await get(auditor, `/api/v1/apheresis-orders/${order.id}`)).status, 403);
    const reads = (await auditOf('apheresis_order', order.id)).filter((r) => r.action === 'read');
    assert.deepEqual(reads.map((r) => r.actor), ['admin']);
    const patient = await ok(get(nurseLA, `/api/v1/patients/${jane.id}`));
    assert.deepEqual(patient.orders.map((o) => [o.id, o.procedure_type, o.status]), [[order.id, 'plasma_exchange', 'active']]);
    assert.equal(patient.active_orders, 1);
  });

  test('a red cell exchange and an adsorptive course: their own calculations', async () => {
    const rce = await ok(post(nurseLA, '/api/v1/apheresis-orders', {
      patient: String(jane.id), physician: 'Dr. Ana Ruiz', procedure_type: 'red_cell_exchange', indication: 'sickle cell disease, acute stroke',
      asfa_category: 'I', asfa_grade: '1C', procedures: '1', frequency: 'daily',
      hct: 0.3, replacement_hct: 0.6, remaining: 0.3, target_hct: 0.3, unit_ml: 300,
    }), 201);
    const tbv = rce.calculations.red_cell_exchange.inputs.tbv_l.value;
    assert.ok(Math.abs(tbv - 3.6266856) < 1e-9, `the patient's unrounded blood volume: ${tbv}`);
    assert.deepEqual(rce.calculations.red_cell_exchange, calc('red-cell-exchange', '--tbv-l', String(tbv), '--hct', '0.3',
      '--replacement-hct', '0.6', '--remaining', '0.3', '--unit-ml', '300'));
    assert.equal(rce.calculations.plasma_exchange, undefined);

    const gma = await ok(post(nurseLA, '/api/v1/apheresis-orders', {
      patient: jane.id, physician: 'Dr. Lee', procedure_type: 'adsorptive', indication: 'ulcerative colitis',
      asfa_category: 'II', asfa_grade: '2B', procedures: 10, frequency: '1 per week',
    }), 201);
    assert.deepEqual(gma.calculations.adsorptive, calc('adsorptive', '--sessions', '10'));
    assert.deepEqual(gma.calculations.adsorptive.total, { value: 18, unit: 'L' });
    assert.equal(gma.frequency, '1 per week');

    const active = await ok(get(admin, `/api/v1/apheresis-orders?patient=${jane.id}&status=active&sort=-id&offset=0`));
    assert.equal(active.total, 3);
    assert.deepEqual(active.items.map((o) => o.id), [gma.id, rce.id, order.id]);
  });

  test('the calculators over HTTP answer what the command line answers; finance may not use them', async () => {
    const r = await ok(get(nurseLA, '/api/v1/apheresis/calc/plasma-exchange?sex=male&height_m=1.80&weight_kg=80&hct=0.45&volumes=1'));
    assert.deepEqual(r, calc('plasma-exchange', '--sex', 'male', '--height-m', '1.80', '--weight-kg', '80', '--hct', '0.45', '--volumes', '1'));
    assert.deepEqual(r.albumin_vials, { value: 12, unit: 'vials' });
    assert.deepEqual(await ok(get(lab, '/api/v1/apheresis/calc/anticoagulant?inlet_ml_min=60&ratio=1:12')),
      calc('anticoagulant', '--inlet-ml-min', '60', '--ratio', '1:12'));
    await refused(() => get(nurseLA, '/api/v1/apheresis/calc/tbv?sex=male&height_m=3&weight_kg=80'), 'height_m', /between 0.3 and 2.5/);
    await refused(() => get(nurseLA, '/api/v1/apheresis/calc/tbv?sex=male&height_m=1.8'), 'weight_kg', /required/);
    await refused(() => get(nurseLA, '/api/v1/apheresis/calc/tbv?sex=male&height_m=1.8&weight_kg=80&hct=0.4'), 'hct', /does not apply/);
    await refused(() => get(nurseLA, '/api/v1/apheresis/calc/red-cell-exchange?tbv_l=5&hct=1.2&replacement_hct=0.6&remaining=0.3'), 'hct');
    await refused(() => get(nurseLA, '/api/v1/apheresis/calc/volume'), 'name', /no calculator/);
    assert.equal((await get(finance, '/api/v1/apheresis/calc/adsorptive?sessions=5')).status, 403);
    assert.equal((await get(finance, '/api/v1/patients')).status, 403, 'finance sees no patient data');
  });

  test('market scope: a nurse of New York neither sees nor writes a Los Angeles patient or order', async () => {
    await refused(() => get(nurseNY, `/api/v1/patients/${jane.id}`), 'patient');
    await refused(() => get(nurseNY, `/api/v1/apheresis-orders/${order.id}`), 'order');
    await refused(() => patch(nurseNY, `/api/v1/patients/${jane.id}`, { weight_kg: 70 }), 'patient');
    await refused(() => post(nurseNY, `/api/v1/apheresis-orders/${order.id}/cancel`, { reason: 'not mine' }), 'order');
    await refused(() => post(nurseNY, '/api/v1/apheresis-orders', { ...TPE, patient: jane.id }), 'patient');
    const forbidden = await post(nurseNY, '/api/v1/patients', { ...JANE, mrn: 'NY-1' });
    assert.equal(forbidden.status, 403, forbidden.text);
    assert.equal(forbidden.json.error.field, 'hospital');
    assert.deepEqual((await ok(get(nurseNY, '/api/v1/patients'))).items, []);
    assert.deepEqual((await ok(get(nurseNY, '/api/v1/apheresis-orders'))).items, []);

    const bob = await ok(post(nurseNY, '/api/v1/patients', { ...JANE, hospital: 'BELLE', mrn: 'B-7', family_name: 'Roe', given_name: 'Bob', sex: 'male', height_m: 1.8, weight_kg: 80 }), 201);
    assert.deepEqual((await ok(get(nurseNY, '/api/v1/patients'))).items.map((p) => p.id), [bob.id]);
    assert.ok(!(await ok(get(nurseLA, '/api/v1/patients'))).items.some((p) => p.id === bob.id));
    await refused(() => get(nurseLA, `/api/v1/patients/${bob.id}`), 'patient');
    const everyone = await ok(get(admin, '/api/v1/patients'));
    assert.deepEqual(everyone.items.map((p) => p.market).sort(), ['LA', 'NY'], 'an administrator sees every market');
    // a New York nurse who is also an executive is still a nurse of New York only
    await srv.addUser(admin, 'nex', 'apheresis_nurse');
    await ok(srv.api('PUT', '/api/v1/users/nex/roles', { token: admin.token, body: { roles: 'apheresis_nurse,executive' } }));
    await ok(srv.api('PUT', '/api/v1/users/nex/scope', { token: admin.token, body: { markets: 'NY' } }));
    const nurseExecutive = await srv.login('nex', 'nex-password-1');
    assert.deepEqual((await ok(get(nurseExecutive, '/api/v1/patients'))).items.map((p) => p.id), [bob.id]);
    await refused(() => get(nurseExecutive, `/api/v1/patients/${jane.id}`), 'patient');
  });

  test('cancelling an order with its reason; a cancelled order is not cancelled again', async () => {
    await refused(() => post(nurseLA, `/api/v1/apheresis-orders/${order.id}/cancel`, { reason: '   ' }), 'reason');
    const cancelled = await ok(post(nurseLA, `/api/v1/apheresis-orders/${order.id}/cancel`, { reason: 'patient transferred' }));
    assert.deepEqual([cancelled.status, cancelled.status_reason, cancelled.cancelled_by], ['cancelled', 'patient transferred', 'nla']);
    await refused(() => post(nurseLA, `/api/v1/apheresis-orders/${order.id}/cancel`, { reason: 'again' }), 'order', /cancelled already/);
    const trail = await auditOf('apheresis_order', order.id);
    assert.equal(trail.find((r) => r.action === 'cancel').reason, 'patient transferred');
  });

  test('the order form\'s choices come from the reference data: the eight procedure types, ASFA categories and grades, anticoagulants', async () => {
    const { apheresis } = await ok(get(nurseLA, '/api/v1/reference'));
    assert.deepEqual(apheresis.procedures.map((p) => p.code), ['plasma_exchange', 'red_cell_exchange', 'leukocytapheresis',
      'plateletpheresis', 'photopheresis', 'ldl_apheresis', 'stem_cell_collection', 'adsorptive']);
    assert.equal(apheresis.procedures.find((p) => p.code === 'adsorptive').label, 'granulocyte/monocyte adsorptive apheresis');
    assert.deepEqual(apheresis.asfa_categories, ['I', 'II', 'III', 'IV']);
    assert.deepEqual(apheresis.asfa_grades, ['1A', '1B', '1C', '2A', '2B', '2C']);
    assert.deepEqual(apheresis.anticoagulants.map((a) => a.code), ['acd_a', 'acd_b', 'heparin', 'citrate', 'heparin_acd_a']);
  });

  test('bad input is refused naming the field, and nothing changes', async () => {
    const bad = (fields) => () => post(nurseLA, '/api/v1/apheresis-orders', { ...TPE, patient: jane.id, ...fields });
    await refused(bad({ procedure_type: 'hemodialysis' }), 'procedure_type', /not a procedure/);
    await refused(bad({ asfa_category: 'V' }), 'asfa_category', /I, II, III or IV/);
    await refused(bad({ asfa_grade: '3A' }), 'asfa_grade', /1A, 1B/);
    await refused(bad({ hct: '1.2' }), 'hct');
    await refused(bad({ procedures: 0 }), 'procedures');
    await refused(bad({ frequency: 'sometimes' }), 'frequency', /every N days/);
    await refused(bad({ volumes: '4' }), 'volumes', /at most 3/);
    await refused(bad({ volumes: undefined }), 'volumes', /required for therapeutic plasma exchange/);
    await refused(bad({ remaining: '0.3' }), 'remaining', /does not apply/);
    await refused(bad({ anticoagulant: 'warfarin' }), 'anticoagulant');
    await refused(bad({ ratio: '1:1' }), 'ratio');
    await refused(bad({ procedure_type: 'adsorptive', volumes: undefined, albumin_fraction: undefined, procedures: 7 }), 'procedures', /5 or 10/);
    await refused(bad({ patient: 999999 }), 'patient');

    const badPatient = (fields) => () => post(nurseLA, '/api/v1/patients', { ...JANE, mrn: 'NEW-1', ...fields });
    await refused(badPatient({ height_m: 0 }), 'height_m', /between 0.3 and 2.5/);
    await refused(badPatient({ height_m: '3' }), 'height_m', /between 0.3 and 2.5/);
    await refused(badPatient({ weight_kg: '-5' }), 'weight_kg', /between 0.5 and 350/);
    await refused(badPatient({ weight_kg: '1e2' }), 'weight_kg', /not a number/);
    await refused(badPatient({ sex: 'x' }), 'sex');
    await refused(badPatient({ hospital: 'NOWHERE' }), 'hospital', /no hospital/);
    await refused(badPatient({ mrn: 'MRN-1001' }), 'mrn', /has a patient with the number/);
    await refused(badPatient({ birth_date: '2999-01-01' }), 'birth_date', /future/);
    await refused(badPatient({ family_name: ' ' }), 'family_name');
    await refused(() => patch(nurseLA, `/api/v1/patients/${jane.id}`, { height_m: '0' }), 'height_m');
    await refused(() => patch(nurseLA, `/api/v1/patients/${jane.id}`, { hospital: 'BELLE' }), 'hospital');
    await refused(() => get(nurseLA, '/api/v1/patients/abc'), 'patient');
  });

  test('the command line: a patient and an order, shown with the calculations, as the API answers', async () => {
    const add = srv.cli('patient', 'add', '--hospital', 'CEDARS', '--mrn', 'CLI-1', '--family-name', 'Poe', '--given-name', 'Ed',
      '--birth-date', '1960-01-19', '--sex', 'male', '--height-m', '1.80', '--weight-kg', '80');
    assert.equal(add.status, 0, add.stderr);
    const id = add.stdout.trim();
    const orderAdd = srv.cli('apheresis', 'order', 'add', '--patient', id, '--physician', 'Dr. Lee', '--procedure-type', 'plasma_exchange',
      '--indication', 'myasthenia gravis', '--asfa-category', 'I', '--asfa-grade', '1B', '--procedures', '5', '--frequency', '3 per week',
      '--hct', '0.45', '--volumes', '1');
    assert.equal(orderAdd.status, 0, orderAdd.stderr);
    const orderId = orderAdd.stdout.trim();
    const shown = await ok(get(admin, `/api/v1/apheresis-orders/${orderId}`));
    assert.deepEqual(shown.calculations.plasma_exchange.albumin_vials, { value: 12, unit: 'vials' });
    const table = srv.cli('apheresis', 'order', 'show', orderId);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /Calculation: plasma_exchange/);
    assert.match(table.stdout, /albumin_vials\s+12\s+vials/);
    assert.match(table.stdout, /height_m\s+1\.8\s+m/);
    const reads = (await auditOf('apheresis_order', orderId)).filter((r) => r.action === 'read');
    assert.ok(reads.some((r) => r.actor.startsWith('cli:')), 'the command line\'s read is audited too');
    const refusedCli = srv.cli('apheresis', 'order', 'add', '--patient', id, '--physician', 'Dr. Lee', '--procedure-type', 'plasma_exchange',
      '--indication', 'x', '--asfa-category', 'V', '--asfa-grade', '1B', '--procedures', '5', '--frequency', 'daily', '--hct', '0.45', '--volumes', '1');
    assert.equal(refusedCli.status, 1);
    assert.match(refusedCli.stderr, /--asfa-category: /);
  });
});
