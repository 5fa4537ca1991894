'use strict';
/*
 * apheresis_calc.test.js - the apheresis calculators of the command line
 * (src/cli/cmd_apheresis.c over src/domain/apheresis.c; docs/apheresis.md),
 * as scripts use them: `bloodops apheresis calc tbv | plasma-exchange |
 * red-cell-exchange | anticoagulant | adsorptive`. Every figure of --format
 * json with its unit and the inputs it came from, the table and CSV, no
 * database opened or created, numbers read strictly, out-of-range values
 * (a height of 0 or 3 m, a hematocrit of 1.2, a negative weight...) refused
 * naming the option with exit status 1 as every refused value, and usage
 * mistakes (a missing or foreign option, an unknown calculator) with 2.
 * The worked values are computed in the comments, as in
 * tests/unit/test_apheresis.c.
 */
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BINARY, assertNoSanitizerReport } = require('./lib/server');

/* A folder with no database in it: the calculators need none. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bloodops-apheresis-'));
const missingDb = path.join(dir, 'none.db');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(...args) {
  const env = { ...process.env };
  delete env.BLOODOPS_DB;
  const result = spawnSync(BINARY, ['apheresis', 'calc', ...args, '--db', missingDb], {
    env, cwd: dir, encoding: 'utf8',
  });
  assertNoSanitizerReport(`bloodops apheresis calc ${args.join(' ')}`, result.pid, result.stderr);
  return result;
}

function json(...args) {
  const result = run(...args, '--format', 'json');
  assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/* Refused naming `option`, with `status`. */
function refused(args, option, status = 1) {
  const result = run(...args);
  assert.equal(result.status, status, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  assert.equal(result.stdout, '', `${args.join(' ')} printed figures`);
  assert.match(result.stderr, new RegExp(`^bloodops: --${option}[: ]`), `${args.join(' ')}: ${result.stderr}`);
  return result.stderr;
}

const MAN = ['--sex', 'male', '--height-m', '1.80', '--weight-kg', '80'];

test('total blood volume: Nadler for a man and a woman, by weight for a child, the 35 kg boundary', () => {
  // 0.3669 x 1.8^3 + 0.03219 x 80 + 0.6041 = 5.3190608 L
  assert.deepEqual(json('tbv', ...MAN), {
    calculator: 'tbv',
    inputs: {
      sex: 'male',
      height_m: { value: 1.8, unit: 'm' },
      weight_kg: { value: 80, unit: 'kg' },
    },
    method: 'nadler',
    tbv: { value: 5.32, unit: 'L' },
  });
  // 0.3561 x 1.6^3 + 0.03308 x 60 + 0.1833 = 3.6266856 L
  assert.deepEqual(json('tbv', '--sex', 'female', '--height-m', '1.60', '--weight-kg', '60').tbv, { value: 3.63, unit: 'L' });
  // a girl of 20 kg: 20 x 65 mL = 1.3 L, the method and the mL per kg said
  const child = json('tbv', '--sex', 'female', '--height-m', '1.10', '--weight-kg', '20');
  assert.equal(child.method, 'weight');
  assert.deepEqual(child.ml_per_kg, { value: 65, unit: 'mL/kg' });
  assert.deepEqual(child.tbv, { value: 1.3, unit: 'L' });
  // 34.9 kg by weight (34.9 x 70 = 2443 mL); 35 kg itself by Nadler (2.7375236 L)
  const under = json('tbv', '--sex', 'male', '--height-m', '1.40', '--weight-kg', '34.9');
  assert.equal(under.method, 'weight');
  assert.deepEqual(under.tbv, { value: 2.44, unit: 'L' });
  const at = json('tbv', '--sex', 'male', '--height-m', '1.40', '--weight-kg', '35');
  assert.equal(at.method, 'nadler');
  assert.equal(at.ml_per_kg, undefined);
  assert.deepEqual(at.tbv, { value: 2.74, unit: 'L' });
});

test('plasma exchange: plasma and exchange volumes, the fraction remaining, albumin vials and plasma units', () => {
  // PV = 5.3190608 x (1 - 0.45) = 2.92548344 L; one volume leaves e^-1;
  // all albumin: 2925.48 mL = 11.7 vials, so 12 (150 g)
  const one = json('plasma-exchange', ...MAN, '--hct', '0.45', '--volumes', '1');
  assert.deepEqual(one.inputs, {
    sex: 'male',
    height_m: { value: 1.8, unit: 'm' },
    weight_kg: { value: 80, unit: 'kg' },
    hct: { value: 0.45, unit: 'fraction' },
    volumes: { value: 1, unit: 'plasma volumes' },
    albumin_fraction: { value: 1, unit: 'fraction' },
  });
  assert.equal(one.method, 'nadler');
  assert.deepEqual(one.tbv, { value: 5.32, unit: 'L' });
  assert.deepEqual(one.plasma_volume, { value: 2.93, unit: 'L' });
  assert.deepEqual(one.exchange_volume, { value: 2.93, unit: 'L' });
  assert.deepEqual(one.remaining, { value: 0.3679, unit: 'fraction' });
  assert.deepEqual(one.albumin_volume, { value: 2925, unit: 'mL' });
  assert.deepEqual(one.albumin_vials, { value: 12, unit: 'vials' });
  assert.deepEqual(one.albumin_protein, { value: 150, unit: 'g' });
  assert.deepEqual(one.plasma_units, { value: 0, unit: 'units' });
  // every figure has a number and a unit, or is the method
  for (const [key, figure] of Object.entries(one)) {
    if (key === 'calculator' || key === 'inputs' || key === 'method') continue;
    assert.equal(typeof figure.value, 'number', key);
    assert.equal(typeof figure.unit, 'string', key);
  }
  // 1.5 volumes, 40% albumin: 4388.2 mL exchanged, e^-1.5 = 0.2231 left;
  // 1755.3 mL of albumin (8 vials), 2632.9 mL of plasma (11 units)
  const more = json('plasma-exchange', ...MAN, '--hct', '0.45', '--volumes', '1.5', '--albumin-fraction', '0.4');
  assert.deepEqual(more.exchange_volume, { value: 4.39, unit: 'L' });
  assert.deepEqual(more.remaining, { value: 0.2231, unit: 'fraction' });
  assert.deepEqual(more.albumin_vials, { value: 8, unit: 'vials' });
  assert.deepEqual(more.plasma_replacement_volume, { value: 2633, unit: 'mL' });
  assert.deepEqual(more.plasma_units, { value: 11, unit: 'units' });
});

test('red cell exchange, anticoagulant and adsorptive courses', () => {
  // 5.0 x (0.30 / 0.60) x ln(1 / 0.30) = 3.0099 L: 10.95 units of 275 mL, so 11
  const rce = json('red-cell-exchange', '--tbv-l', '5', '--hct', '0.30', '--replacement-hct', '0.60', '--remaining', '0.30');
  assert.deepEqual(rce.inputs.unit_ml, { value: 275, unit: 'mL' });
  assert.deepEqual(rce.exchange_volume, { value: 3.01, unit: 'L' });
  assert.deepEqual(rce.exchange_volume_ml, { value: 3010, unit: 'mL' });
  assert.deepEqual(rce.units, { value: 11, unit: 'units' });
  // 330 mL units: 9.12, so 10
  assert.deepEqual(json('red-cell-exchange', '--tbv-l', '5', '--hct', '0.30', '--replacement-hct', '0.60',
    '--remaining', '0.30', '--unit-ml', '330').units, { value: 10, unit: 'units' });
  // 1:12 at 60 mL/min: 5 mL/min of anticoagulant, 300 mL an hour; "1:12" or "12"
  const ac = json('anticoagulant', '--inlet-ml-min', '60', '--ratio', '1:12');
  assert.deepEqual(ac.ac_rate, { value: 5, unit: 'mL/min' });
  assert.deepEqual(ac.ac_rate_hour, { value: 300, unit: 'mL/h' });
  assert.deepEqual(ac.blood_rate, { value: 55, unit: 'mL/min' });
  assert.deepEqual(json('anticoagulant', '--inlet-ml-min', '60', '--ratio', '12').ac_rate, ac.ac_rate);
  // 30 mL/min x 60 min = 1.8 L a session
  const five = json('adsorptive', '--sessions', '5');
  assert.deepEqual(five.per_session, { value: 1.8, unit: 'L' });
  assert.deepEqual(five.total, { value: 9, unit: 'L' });
  assert.deepEqual(json('adsorptive', '--sessions', '10').total, { value: 18, unit: 'L' });
});

test('a table by default, CSV on request, and no database opened or created', () => {
  const table = run('tbv', ...MAN);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /^GIVEN\s+VALUE\s+UNIT\n/);
  assert.match(table.stdout, /^height\s+1\.8\s+m$/m);
  assert.match(table.stdout, /^FIGURE\s+VALUE\s+UNIT$/m);
  assert.match(table.stdout, /^total blood volume\s+5\.32\s+L$/m);
  const csv = run('tbv', ...MAN, '--format', 'csv');
  assert.equal(csv.status, 0, csv.stderr);
  assert.match(csv.stdout, /^key,kind,figure,value,unit\n/);
  assert.match(csv.stdout, /^tbv,figure,total blood volume,5\.32,L$/m);
  assert.deepEqual(fs.readdirSync(dir), [], 'the calculators created a file');
});

test('out-of-range and malformed values are refused naming the option', () => {
  refused(['tbv', '--sex', 'male', '--height-m', '0', '--weight-kg', '80'], 'height-m');
  refused(['tbv', '--sex', 'male', '--height-m', '3', '--weight-kg', '80'], 'height-m');
  refused(['tbv', '--sex', 'male', '--height-m', '1.80', '--weight-kg', '-80'], 'weight-kg');
  refused(['tbv', '--sex', 'male', '--height-m', '1.80', '--weight-kg', '0'], 'weight-kg');
  refused(['tbv', '--sex', 'other', '--height-m', '1.80', '--weight-kg', '80'], 'sex');
  const hct = refused(['plasma-exchange', ...MAN, '--hct', '1.2', '--volumes', '1'], 'hct');
  assert.match(hct, /between 0 and 1/);
  refused(['plasma-exchange', ...MAN, '--hct', '0', '--volumes', '1'], 'hct');
  refused(['plasma-exchange', ...MAN, '--hct', '1', '--volumes', '1'], 'hct');
  refused(['plasma-exchange', ...MAN, '--hct', '0.45', '--volumes', '0'], 'volumes');
  refused(['plasma-exchange', ...MAN, '--hct', '0.45', '--volumes', '4'], 'volumes');
  refused(['plasma-exchange', ...MAN, '--hct', '0.45', '--volumes', '1', '--albumin-fraction', '1.5'], 'albumin-fraction');
  const rce = ['--tbv-l', '5', '--hct', '0.3', '--replacement-hct', '0.6'];
  refused(['red-cell-exchange', ...rce, '--remaining', '0'], 'remaining');
  refused(['red-cell-exchange', ...rce, '--remaining', '1'], 'remaining');
  refused(['red-cell-exchange', ...rce, '--remaining', '0.3', '--unit-ml', '0'], 'unit-ml');
  refused(['red-cell-exchange', '--tbv-l', '0', '--hct', '0.3', '--replacement-hct', '0.6', '--remaining', '0.3'], 'tbv-l');
  refused(['red-cell-exchange', '--tbv-l', '5', '--hct', '0.3', '--replacement-hct', '1.2', '--remaining', '0.3'], 'replacement-hct');
  refused(['anticoagulant', '--inlet-ml-min', '0', '--ratio', '12'], 'inlet-ml-min');
  refused(['anticoagulant', '--inlet-ml-min', '60', '--ratio', '1'], 'ratio');
  refused(['adsorptive', '--sessions', '7'], 'sessions');
  refused(['adsorptive', '--sessions', '5.5'], 'sessions');
  // numbers as written by a person, nothing else
  for (const text of ['1e3', '1.8m', '+1.8', '.8', '1.', '0x2', 'inf', ' 1.8', '1,8', ''])
    assert.match(refused(['tbv', '--sex', 'male', '--height-m', text, '--weight-kg', '80'], 'height-m'), /not a number|required/, text);
});

test('usage mistakes: an unknown calculator, a missing option, one of another calculator', () => {
  const unknown = run('volume', ...MAN);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown calculator 'volume': tbv, plasma-exchange, red-cell-exchange/);
  refused(['tbv', '--sex', 'male', '--height-m', '1.80'], 'weight-kg', 2);
  refused(['plasma-exchange', ...MAN, '--volumes', '1'], 'hct', 2);
  const foreign = refused(['tbv', ...MAN, '--hct', '0.4'], 'hct', 2);
  assert.match(foreign, /does not apply to 'tbv'/);
  const none = run();
  assert.equal(none.status, 2);
  assert.match(none.stderr, /missing argument CALCULATOR/);
});
