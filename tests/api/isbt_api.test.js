'use strict';
/*
 * isbt_api.test.js - ISBT 128 (docs/isbt.md): the product catalog and DIN
 * allocation, over the API and the command line.
 *
 * The catalog: the demo file imports; a file with several problems lists
 * each as FILE:LINE: field: message and writes nothing (fingerprint); list,
 * family filter, search, one product. DINs: numbers run 1, 2, 3... per
 * facility and year with the right check characters (the same as `bloodops
 * isbt check`); a center that is unknown, closed or without a facility
 * number is refused naming "center" with nothing changed; 40 allocations
 * at once over HTTP plus 3 from the command line get 215 distinct numbers
 * 1..215 with no gap; the end of a year's numbers is refused naming
 * "count"; a lab user gets 403; a DIN typed with a wrong check character
 * is refused naming "din"; the database refuses deleting a DIN.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, assertError, ADMIN_PASSWORD, BINARY, REPO, CLI_ACTOR } = require('./lib/server');

const YEAR = String(new Date().getUTCFullYear() % 100).padStart(2, '0');
const DEMO = path.join(REPO, 'data/catalog-demo.csv');

let srv;
let admin;
let lab;
let staff;

async function unchanged(request) {
  const before = srv.fingerprint();
  const response = await request();
  assert.equal(srv.fingerprint(), before, `the database changed after: ${response.status} ${response.text}`);
  return response;
}

function cliOk(...args) {
  const r = srv.cli(...args);
  assert.equal(r.status, 0, `bloodops ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function allocate(body, session = admin) {
  return srv.api('POST', '/api/v1/dins', { token: session.token, body });
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  const setup = [
    ['/api/v1/markets', { code: 'SOCAL', name: 'Southern California' }],
    ['/api/v1/centers', { code: 'LA-01', name: 'Westside', market: 'SOCAL', fin: 'W1234', open_date: '2001-03-15' }],
    ['/api/v1/centers', { code: 'LA-02', name: 'Downtown', market: 'SOCAL', fin: 'W5555', open_date: '2001-03-15' }],
    ['/api/v1/centers', { code: 'LA-03', name: 'Valley', market: 'SOCAL', fin: 'W6666', open_date: '2001-03-15' }],
    ['/api/v1/centers', { code: 'NOFIN', name: 'No Facility Number', market: 'SOCAL', open_date: '2001-03-15' }],
    ['/api/v1/centers', { code: 'OLD', name: 'Old Town', market: 'SOCAL', fin: 'W3333', open_date: '1995-05-05' }],
  ];
  for (const [p, body] of setup) {
    const r = await srv.api('POST', p, { token: admin.token, body });
    assert.equal(r.status, 201, `${p}: ${r.text}`);
  }
  const closed = await srv.api('POST', '/api/v1/centers/OLD/close', {
    token: admin.token,
    body: { close_date: '2003-12-31', reason: 'restructuring plan' },
  });
  assert.equal(closed.status, 200, closed.text);
  await srv.addUser(admin, 'lab1', 'lab');
  await srv.addUser(admin, 'staff1', 'center_staff', undefined, { centers: 'all' });
  lab = await srv.login('lab1', 'lab1-password-1');
  staff = await srv.login('staff1', 'staff1-password-1');
});

after(() => srv.stop());

/* --- catalog ------------------------------------------------------------- */

test('a catalog file with problems is refused whole: every problem by line, nothing written', () => {
  const file = path.join(srv.dir, 'bad-catalog.csv');
  fs.writeFileSync(
    file,
    [
      '# a comment line is allowed',
      'code,description,family,storage_min_c,storage_max_c,shelf_life_value,shelf_life_unit,nominal_volume_ml,irradiated,leukoreduced,cmv_negative,pathogen_reduced,demo',
      'E1001,GOOD RED CELLS,red_cells,1,6,42,days,300,no,yes,no,no,no',
      'E1002,BAD FAMILY,blood,1,6,42,days,300,no,yes,no,no,no',
      'E1003,WARM FRIDGE,red_cells,6,1,42,days,300,no,yes,no,no,no',
      'E1004,NO SHELF LIFE,platelets,20,24,0,days,250,no,yes,no,no,no',
      'E1005,WEEKS,platelets,20,24,5,weeks,250,no,yes,no,no,no',
      'X1006,BAD CODE,plasma,-80,-18,365,days,250,no,no,no,no,no',
      'E1001,DUPLICATE,red_cells,1,6,42,days,300,no,yes,no,no,no',
      'E1008,SHORT LINE,plasma',
      'E1009,BAD FLAG,plasma,-80,-18,365,days,250,maybe,no,no,no,no',
      'E1010,NO VOLUME,plasma,-80,-18,365,days,0,no,no,no,no,no',
      '',
    ].join('\n'),
  );
  const before = srv.fingerprint();
  const r = srv.cli('catalog', 'import', file);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const expected = [
    [4, 'family'],
    [5, 'storage_max_c'],
    [6, 'shelf_life_value'],
    [7, 'shelf_life_unit'],
    [8, 'code'],
    [9, 'code'],
    [10, 'line'],
    [11, 'irradiated'],
    [12, 'nominal_volume_ml'],
  ];
  for (const [line, field] of expected)
    assert.ok(r.stderr.includes(`${file}:${line}: ${field}: `), `expected ${file}:${line}: ${field}: in\n${r.stderr}`);
  assert.match(r.stderr, /already on line 3/);
  assert.match(r.stderr, /nothing was imported: 9 problems/);
  assert.equal(srv.fingerprint(), before, 'a refused import writes nothing');
});

test('the demo catalog imports, lists, filters and shows; a real file updates it', async () => {
  const out = cliOk('catalog', 'import', DEMO);
  assert.match(out, /imported 16 products .*: 16 added, 0 updated, 0 unchanged/);
  const all = await srv.api('GET', '/api/v1/products', { token: lab.token });
  assert.equal(all.status, 200, all.text);
  assert.equal(all.json.items.length, 16);
  assert.ok(all.json.items.every((p) => p.demo === true && p.description.endsWith('(demo)')));
  const families = new Set(all.json.items.map((p) => p.family));
  assert.deepEqual([...families].sort(), ['cryoprecipitate', 'granulocytes', 'plasma', 'platelets', 'red_cells', 'whole_blood']);

  const platelets = await srv.api('GET', '/api/v1/products?family=platelets', { token: admin.token });
  assert.deepEqual(platelets.json.items.map((p) => p.code), ['E0400', 'E0401', 'E0402']);
  const irradiated = await srv.api('GET', '/api/v1/products?q=irradiated', { token: admin.token });
  assert.deepEqual(irradiated.json.items.map((p) => p.code), ['E0301', 'E0402', 'E0700']);
  const page = await srv.api('GET', '/api/v1/products?limit=5&after=E0300', { token: admin.token });
  assert.deepEqual(page.json.items.map((p) => p.code), ['E0301', 'E0302', 'E0303', 'E0400', 'E0401']);
  assert.equal(page.json.next_after, 'E0401');

  const cryo = await srv.api('GET', '/api/v1/products/e0601', { token: admin.token });
  assert.equal(cryo.status, 200, cryo.text);
  assert.equal(cryo.json.code, 'E0601');
  assert.equal(cryo.json.family, 'cryoprecipitate');
  assert.equal(cryo.json.shelf_life_value, 4);
  assert.equal(cryo.json.shelf_life_unit, 'hours');
  assert.equal(cryo.json.storage_min_c, 20);
  assert.equal(cryo.json.storage_max_c, 24);
  const rbc = await srv.api('GET', '/api/v1/products/E0301', { token: admin.token });
  assert.equal(rbc.json.irradiated, true);
  assert.equal(rbc.json.leukoreduced, true);
  assert.equal(rbc.json.cmv_negative, false);

  assertError(await srv.api('GET', '/api/v1/products/E9999', { token: admin.token }), 404, 'not_found', { field: 'code' });
  assertError(await srv.api('GET', '/api/v1/products/BAD', { token: admin.token }), 400, 'invalid_input', { field: 'code' });
  assertError(await srv.api('GET', '/api/v1/products?family=blood', { token: admin.token }), 400, 'invalid_input', {
    field: 'family',
  });

  const list = cliOk('catalog', 'list', '--family', 'plasma', '--format', 'csv');
  assert.equal(list.trim().split('\n').length, 5, list);
  assert.match(cliOk('catalog', 'show', 'E0300'), /SHELF LIFE\s+42/);

  // A second file changes one product and adds one; the others are unchanged.
  const file = path.join(srv.dir, 'update.csv');
  const text = fs.readFileSync(DEMO, 'utf8')
    .replace('E0502,THAWED PLASMA|CPD/refg (demo),plasma,1,6,5,days', 'E0502,THAWED PLASMA|CPD/refg (demo),plasma,1,6,4,days')
    .concat('E0800,PLATELETS|Cold stored/refg (demo),platelets,1,6,14,days,250,no,yes,no,no,yes\n');
  fs.writeFileSync(file, text);
  assert.match(cliOk('catalog', 'import', file), /17 products .*: 1 added, 1 updated, 15 unchanged/);
  const thawed = await srv.api('GET', '/api/v1/products/E0502', { token: admin.token });
  assert.equal(thawed.json.shelf_life_value, 4);
  const audit = await srv.api('GET', '/api/v1/audit?entity=catalog_import&limit=500', { token: admin.token });
  assert.equal(audit.json.items.length, 2, 'one audit record per import');
  const last = audit.json.items[1];
  assert.equal(last.actor, CLI_ACTOR);
  assert.match(last.after.sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(last.after.added_codes, ['E0800']);
  assert.deepEqual(last.after.updated_codes, ['E0502']);
});

/* --- DINs ---------------------------------------------------------------- */

test('DINs are allocated in sequence with their check characters, and can be looked up', async () => {
  const first = await allocate({ center: 'la-01', count: 3 });
  assert.equal(first.status, 201, first.text);
  assert.equal(first.json.center, 'LA-01');
  assert.equal(first.json.fin, 'W1234');
  assert.equal(first.json.year, YEAR);
  assert.deepEqual(first.json.dins.map((d) => d.sequence), [1, 2, 3]);
  const second = await allocate({ center: 'LA-01' }, staff);
  assert.equal(second.status, 201, second.text);
  assert.deepEqual(second.json.dins.map((d) => d.din), [`W1234${YEAR}000004`]);
  for (const d of [...first.json.dins, ...second.json.dins]) {
    const check = srv.cli('isbt', 'check', d.din);
    assert.equal(check.status, 0, check.stderr);
    const k = /CHECK CHARACTER\s+(\S)/.exec(check.stdout)[1];
    assert.equal(d.check_character, k, `check character of ${d.din}`);
    assert.equal(d.eye_readable, `W1234 ${YEAR} ${d.din.slice(7)} [${k}]`);
  }

  const one = first.json.dins[1];
  for (const typed of [one.din + one.check_character, one.din, one.eye_readable, `W1234 ${YEAR} 000002 ${one.check_character.toLowerCase()}`]) {
    const r = await srv.api('GET', `/api/v1/dins/${encodeURIComponent(typed)}`, { token: lab.token });
    assert.equal(r.status, 200, `${typed}: ${r.text}`);
    assert.equal(r.json.din, one.din);
    assert.equal(r.json.center, 'LA-01');
    assert.equal(r.json.allocated_by, 'admin');
    assert.equal(r.json.check_character, one.check_character);
  }
  const wrong = one.check_character === 'A' ? 'B' : 'A';
  assertError(await srv.api('GET', `/api/v1/dins/${one.din}${wrong}`, { token: admin.token }), 400, 'invalid_input', {
    field: 'din',
  });
  assertError(await srv.api('GET', `/api/v1/dins/W1234${YEAR}999999`, { token: admin.token }), 404, 'not_found', {
    field: 'din',
  });
  const shown = srv.cli('din', 'show', `${one.din}${wrong}`);
  assert.equal(shown.status, 1);
  assert.match(shown.stderr, /^bloodops: din: /);
  assert.match(cliOk('din', 'show', one.din + one.check_character), /ALLOCATED/);

  const audit = await srv.api('GET', '/api/v1/audit?entity=din&limit=500', { token: admin.token });
  const records = audit.json.items.filter((item) => item.after.fin === 'W1234');
  assert.equal(records.length, 2, 'one audit record per allocation');
  assert.equal(records[0].after.first_sequence, 1);
  assert.equal(records[0].after.last_sequence, 3);
  assert.equal(records[0].after.center, 'LA-01');
});

test('allocation is refused for a center that is unknown, closed or has no FIN, and for bad input', async () => {
  const refusals = [
    [{ center: 'NOPE' }, 400, 'invalid_input', 'center'],
    [{ center: 'OLD' }, 409, 'conflict', 'center'],
    [{ center: 'NOFIN' }, 409, 'conflict', 'center'],
    [{}, 400, 'invalid_input', 'center'],
    [{ center: 'LA-01', count: 0 }, 400, 'invalid_input', 'count'],
    [{ center: 'LA-01', count: 1001 }, 400, 'invalid_input', 'count'],
    [{ center: 'LA-01', count: 'many' }, 400, 'invalid_input', 'count'],
    [{ center: 'LA-01', year: '1999' }, 400, 'invalid_input', 'year'],
    [{ center: 'LA-01', year: String((Number(YEAR) + 50) % 100).padStart(2, '0') }, 400, 'invalid_input', 'year'],
    [{ center: 'LA-01', extra: 1 }, 400, 'invalid_input', 'extra'],
  ];
  for (const [body, status, code, field] of refusals) {
    const r = await unchanged(() => allocate(body));
    assertError(r, status, code, { field });
  }
  assertError(await unchanged(() => allocate({ center: 'LA-01' }, lab)), 403, 'forbidden');
  const cli = srv.cli('din', 'allocate', '--center', 'NOFIN');
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /^bloodops: --center: /);
});

test('concurrent allocations get distinct DINs numbered 1..215 without a gap', async () => {
  const run = (args) =>
    new Promise((resolve) => {
      execFile(BINARY, [...args, '--db', srv.db, '--format', 'json'], { env: { ...process.env, BLOODOPS_DB: '' } }, (error, stdout, stderr) =>
        resolve({ status: error ? error.code : 0, stdout, stderr }),
      );
    });
  const requests = [];
  for (let i = 0; i < 40; i += 1) requests.push(allocate({ center: 'LA-02', count: 5 }, i % 2 ? staff : admin));
  const clis = [];
  for (let i = 0; i < 3; i += 1) clis.push(run(['din', 'allocate', '--center', 'LA-02', '--count', '5']));
  const answers = await Promise.all(requests);
  const cliAnswers = await Promise.all(clis);
  const dins = [];
  for (const answer of answers) {
    assert.equal(answer.status, 201, answer.text);
    const sequences = answer.json.dins.map((d) => d.sequence);
    assert.deepEqual(sequences, [0, 1, 2, 3, 4].map((k) => sequences[0] + k), 'one allocation is consecutive');
    dins.push(...answer.json.dins);
  }
  for (const answer of cliAnswers) {
    assert.equal(answer.status, 0, answer.stderr);
    dins.push(...JSON.parse(answer.stdout).dins);
  }
  assert.equal(dins.length, 215);
  assert.equal(new Set(dins.map((d) => d.din)).size, 215, 'every DIN distinct');
  const sequences = dins.map((d) => d.sequence).sort((a, b) => a - b);
  assert.deepEqual(sequences, Array.from({ length: 215 }, (_, k) => k + 1), 'numbers 1..215, no gap');
  const stored = srv.sql("SELECT COUNT(*), MIN(sequence), MAX(sequence) FROM dins WHERE fin = 'W5555'");
  assert.equal(stored.stdout.trim(), '215|1|215');
  const head = srv.sql("SELECT last_sequence FROM din_sequences WHERE fin = 'W5555'");
  assert.equal(head.stdout.trim(), '215');
  const verify = srv.cli('audit', 'verify');
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
});

test("a year's numbers end at 999999; allocated DINs cannot be deleted", async () => {
  const first = await allocate({ center: 'LA-03' });
  assert.equal(first.status, 201, first.text);
  const moved = srv.sql("UPDATE din_sequences SET last_sequence = 999997 WHERE fin = 'W6666'");
  assert.equal(moved.status, 0, moved.stderr);
  assertError(await unchanged(() => allocate({ center: 'LA-03', count: 3 })), 409, 'conflict', {
    field: 'count',
    message: 'only 2 DINs remain',
  });
  const last = await allocate({ center: 'LA-03', count: 2 });
  assert.equal(last.status, 201, last.text);
  assert.deepEqual(last.json.dins.map((d) => d.din), [`W6666${YEAR}999998`, `W6666${YEAR}999999`]);
  assertError(await unchanged(() => allocate({ center: 'LA-03' })), 409, 'conflict', { field: 'count' });

  const before = srv.fingerprint();
  assert.notEqual(srv.sql("DELETE FROM dins WHERE fin = 'W6666'").status, 0, 'deleting a DIN is refused');
  assert.notEqual(srv.sql("UPDATE din_sequences SET last_sequence = 1 WHERE fin = 'W6666'").status, 0, 'lowering a sequence is refused');
  assert.equal(srv.fingerprint(), before);
});
