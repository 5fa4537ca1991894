'use strict';
/*
 * cli.test.js - the command line's shared machinery (src/cli/cli.c,
 * output.c; README, "Command line"): the global options --db, --format and
 * --help placed before the command, between the noun and the verb, or last,
 * and refused when given twice with different values; verbs of two words
 * (`order standing add`); errors naming the
 * option the user typed rather than the service's field (--date for a
 * center's close_date, --signer of a period close, --terms, --opened,
 * --name), while a field no option carries stays as it is; help in aligned
 * columns within 80 characters; amounts grouped by thousands in tables but
 * never in CSV or JSON; standard output and standard error in the order
 * they were written when both go to one file or pipe (2>&1). Runs on SQLite
 * and on PostgreSQL like every API suite.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BINARY, assertNoSanitizerReport, startServer } = require('./lib/server');

let srv;

/* The binary with exactly these arguments (srv.cli appends --db itself),
 * without BLOODOPS_DB: a command finds the database only through --db. */
function run(args, { env = {}, input } = {}) {
  const environment = { ...process.env, BLOODOPS_LOG_LEVEL: 'info', ...env };
  delete environment.BLOODOPS_DB;
  delete environment.BLOODOPS_PASSWORD;
  const result = spawnSync(BINARY, args, { env: environment, input, encoding: 'utf8', cwd: srv.dir });
  assertNoSanitizerReport(`bloodops ${args.join(' ')}`, result.pid, result.stderr);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(result, what) {
  assert.equal(result.status, 0, `${what}: ${result.stderr}`);
  return result.stdout;
}

before(async () => {
  srv = await startServer();
  ok(srv.cli('market', 'add', '--code', 'LA', '--name', 'Los Angeles'), 'market');
  ok(srv.cli('market', 'add', '--code', 'SD', '--name', 'San Diego'), 'market');
  ok(srv.cli('center', 'add', '--code', 'LA-01', '--name', 'Sherman Oaks', '--market', 'LA', '--opened', '1998-01-05'), 'center');
});

after(async () => {
  await srv.stop();
  srv.cleanup();
});

test('global options work before the command, between noun and verb, and last', () => {
  const db = srv.db;
  const expected = ok(run(['market', 'list', '--db', db, '--format', 'json']), 'last');
  assert.deepEqual(JSON.parse(expected).map((m) => m.code), ['LA', 'SD']);
  for (const args of [
    ['--db', db, 'market', 'list', '--format', 'json'],
    ['--db', db, '--format', 'json', 'market', 'list'],
    ['--format=json', `--db=${db}`, 'market', 'list'],
    ['market', '--db', db, 'list', '--format', 'json'],
    ['market', '--format', 'json', '--db', db, 'list'],
    ['--db', db, 'market', '--format', 'json', 'list', '--search', 'a'],
    ['market', 'list', '--search', 'a', '--format', 'json', '--db', db],
  ])
    assert.equal(ok(run(args), args.join(' ')), expected, args.join(' '));
  // a command of a noun alone (inventory) and one with an argument (show)
  const inventory = (args) => {
    const answer = JSON.parse(ok(run(args), args.join(' ')));
    delete answer.as_of; // the time of the run
    return answer;
  };
  assert.deepEqual(inventory(['--db', db, '--format', 'json', 'inventory']), inventory(['inventory', '--db', db, '--format', 'json']));
  const shown = ok(run(['market', 'show', 'SD', '--db', db, '--format', 'csv']), 'show');
  assert.match(shown, /^code,name,time_zone,created_at\nSD,San Diego,America\/Los_Angeles,/);
  assert.equal(ok(run(['--db', db, 'market', '--format', 'csv', 'show', 'SD']), 'show first'), shown);
  // without --db anywhere there is no database here: the option was what found it
  const none = run(['market', 'list']);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^bloodops: no database at \.\/var\/bloodops\.db/);
  // the same value twice is no conflict
  assert.equal(ok(run(['--db', db, 'market', 'list', '--db', db, '--format', 'json', '--format=json']), 'twice'), expected);
});

test('a global option given twice with different values is refused naming it', () => {
  const before = srv.fingerprint();
  const db = srv.db;
  const other = path.join(srv.dir, 'other.db');
  for (const [args, option] of [
    [['--db', db, 'market', 'add', '--code', 'SF', '--name', 'San Francisco', '--db', other], 'db'],
    [['market', '--format', 'json', 'add', '--code', 'SF', '--name', 'San Francisco', '--db', db, '--format', 'csv'], 'format'],
    [['--format', 'table', 'market', 'list', '--db', db, '--format=json'], 'format'],
  ]) {
    const r = run(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^bloodops: option '--${option}' is given twice with different values`), r.stderr);
    assert.equal(r.stdout, '');
  }
  // only the global options may come before the command; the others after the verb
  const early = run(['--search', 'a', '--db', db, 'market', 'list']);
  assert.equal(early.status, 2);
  assert.match(early.stderr, /^bloodops: unknown option '--search': only --db, --format and --help may come before the command/);
  const beforeVerb = run(['market', '--search', 'a', 'list', '--db', db]);
  assert.equal(beforeVerb.status, 2);
  assert.match(beforeVerb.stderr, /^bloodops: --search comes after the verb/);
  assert.equal(srv.fingerprint(), before, 'nothing was added');
});

test('a global option\'s value is not taken from the command or from the next option', () => {
  // --format's value is read as the format, not the words after it as the command
  const format = run(['--format', 'market', 'list', '--db', srv.db]);
  assert.equal(format.status, 2, format.stderr);
  assert.match(format.stderr, /^bloodops: option '--format' needs a format before the command, not 'market'/);
  // an option where the value should be: the value was left out
  for (const args of [['market', 'list', '--db', '--format', 'json'], ['--db', srv.db, 'market', 'list', '--format', '--db', srv.db]]) {
    const r = run(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^bloodops: option '--(db|format)' needs a value/, args.join(' '));
    assert.equal(r.stdout, '');
  }
});

test('--help anywhere prints the command\'s help', () => {
  const help = ok(run(['center', 'close', '--help']), 'help last');
  assert.match(help, /^usage: bloodops center close CODE \[options\]/);
  assert.equal(ok(run(['--help', 'center', 'close']), 'help first'), help);
  assert.equal(ok(run(['center', '--help', 'close']), 'help between'), help);
  assert.equal(ok(run(['help', 'center', 'close']), 'help topic'), help);
  assert.equal(ok(run(['--db', srv.db, 'center', 'close', 'LA-01', '-h']), 'help -h'), help);
  assert.match(ok(run(['help', 'center']), 'noun help'), /^usage: bloodops \[global options\] center <verb>/);
});

test('a verb of two words: help, options and unknown words named whole', () => {
  const help = ok(run(['order', 'standing', 'add', '--help']), 'help last');
  assert.match(help, /^usage: bloodops order standing add \[options\]/);
  assert.equal(ok(run(['help', 'order', 'standing', 'add']), 'help topic'), help);
  assert.equal(ok(run(['order', '--help', 'standing', 'add']), 'help between'), help);
  assert.match(ok(run(['help', 'order']), 'noun help'), /order standing run/);
  const listed = run(['order', '--format', 'json', 'standing', 'list', '--db', srv.db]);
  assert.equal(listed.status, 0, listed.stderr);
  assert.deepEqual(JSON.parse(listed.stdout), [], 'a global option between the noun and the verb');
  const unknown = run(['order', 'standing', 'bogus']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^bloodops: unknown verb 'standing bogus' for 'order'/);
  const short = run(['order', 'standing']);
  assert.equal(short.status, 2);
  assert.match(short.stderr, /^bloodops: 'order standing' needs one more word/);
  assert.match(run(['order', 'bogus']).stderr, /^bloodops: unknown verb 'bogus' for 'order'/);
});

test('errors name the option the user typed, not the service field', () => {
  const before = srv.fingerprint();
  const cases = [
    // center close: the service names close_date
    [['center', 'close', 'LA-01', '--date', '2004-13-01', '--reason', 'moving'], '--date', /must be a date/],
    [['center', 'close', 'LA-01', '--reason', 'moving'], '--date', /is required/],
    // period close: the signer
    [['period', 'close', '2004Q1', '--reason', 'quarter end'], '--signer', /is required/],
    [['period', 'close', '2004Q1', '--signer', 'cfo', '--reason', 'x'.repeat(600)], '--reason', /./],
    // a center's open_date, a hospital's billing_terms_days, a user's full_name
    [['center', 'add', '--code', 'LA-02', '--name', 'Encino', '--market', 'LA', '--opened', '2004-02-30'], '--opened', /2004-02-30/],
    [['center', 'edit', 'LA-01', '--opened', 'soon'], '--opened', /must be a date/],
    [['hospital', 'add', '--code', 'CEDARS', '--name', 'Cedars', '--market', 'LA', '--terms', 'thirty'], '--terms', /whole number of days/],
    [['user', 'add', 'jdoe', '--name', '', '--roles', 'finance'], '--name', /./],
    // options spelled with '-' whose fields have '_'
    [['donor', 'register', '--family-name', 'Garcia', '--given-name', 'Maria', '--birth-date', '1984-02-30', '--sex', 'F'], '--birth-date', /./],
    [['unit', 'expire', '--as-of', 'yesterday'], '--as-of', /./],
    [['release', 'sign', '--user', 'nobody'], '--unit', /is required/],
  ];
  for (const [args, option, message] of cases) {
    const r = srv.cli(...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^bloodops: ${option}: `), `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.doesNotMatch(r.stderr, /close_date|open_date|billing_terms_days|full_name|birth_date|as_of/);
  }
  // a field that no option carries (here a positional argument) stays as it is
  const unknown = srv.cli('center', 'close', 'NOPE-9', '--date', '2004-01-31', '--reason', 'moving');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^bloodops: code: /);
  assert.equal(srv.fingerprint(), before, 'nothing changed');
});

/* Every line of a help page within 80 characters, and every description
 * starting at one column: the rows of its lists ("  NAME  description"),
 * their continuation lines, and the description under a name too long to
 * share its line. Returns that column. */
function assertAligned(text, what) {
  const lines = text.split('\n');
  const columns = new Set();
  let rows = 0;
  for (const [index, line] of lines.entries()) {
    assert.ok(line.length <= 80, `${what}: line ${index + 1} is ${line.length} characters: ${line}`);
    const row = /^ {2}(\S(?:\S| (?! ))*)( {2,})\S/.exec(line);
    if (row) {
      columns.add(2 + row[1].length + row[2].length);
      rows++;
    } else if (/^ {3,}\S/.test(line)) {
      columns.add(line.length - line.trimStart().length);
    }
  }
  assert.ok(rows >= 3, `${what}: ${rows} rows found`);
  assert.equal(columns.size, 1, `${what}: descriptions start at columns ${[...columns].join(', ')}:\n${text}`);
  return [...columns][0];
}

test('help prints aligned columns wrapped at 80 characters', () => {
  const overview = ok(run(['help']), 'help');
  assert.match(overview, /^usage: bloodops \[global options\] <noun> <verb>/m);
  assert.match(overview, /^global options, before or after the command:$/m);
  assertAligned(overview, 'bloodops help');
  assert.equal(ok(run(['--help']), '--help'), overview);
  for (const args of [['center', 'close', '--help'], ['account', 'add', '--help'], ['serve', '--help'],
    ['collection', 'record', '--help'], ['donor', '--help'], ['journal', '--help'], ['help', 'label', 'render'],
    ['report', 'quarterly', '--help']])
    assertAligned(ok(run(args), args.join(' ')), args.join(' '));
  // a name too long for the column stands alone; its description starts at the column below
  const account = ok(run(['account', 'add', '--help']), 'account add');
  const column = assertAligned(account, 'account add');
  const lines = account.split('\n');
  const at = lines.indexOf('  --segment blood_products|blood_services');
  assert.ok(at > 0, account);
  assert.equal(lines[at + 1], `${' '.repeat(column)}for revenue and cost of revenue`);
  // the options of the command, then the global ones, in one alignment
  assert.match(account, /^ {2}--code CODE +account number, e\.g\. 6150$/m);
  assert.match(account, /^ {2}--format table\|json\|csv +how data is printed/m);
});

test('tables group amounts by thousands; CSV and JSON never do', () => {
  const entry = JSON.parse(ok(srv.cli('journal', 'post', '--date', '2004-04-15', '--description', 'Quarter sales',
    '1100=6736000.00', '4000/LA-01=-6736000.00', '--format', 'json'), 'post'));
  assert.deepEqual(entry.lines.map((l) => l.amount), ['6736000.00', '-6736000.00']);
  assert.equal(entry.total, '6736000.00');
  const id = String(entry.id);

  const table = ok(srv.cli('journal', 'show', id), 'show');
  assert.match(table, /^1100\s+6,736,000\.00\s*$/m);
  assert.match(table, /^4000\s+LA-01\s+\(6,736,000\.00\)\s*$/m);
  // amounts are right-aligned under their header
  const lines = table.split('\n');
  const header = lines.find((l) => l.startsWith('ACCOUNT'));
  const end = header.indexOf('AMOUNT') + 'AMOUNT'.length;
  for (const line of lines.filter((l) => /^(1100|4000)\b/.test(l)))
    assert.match(line.slice(0, end), /[0-9)]$/, `right-aligned: ${line}`);
  assert.match(ok(srv.cli('journal', 'list'), 'list'), /\b6,736,000\.00\b/);
  assert.match(ok(srv.cli('report', 'trial-balance', '--period', '2004Q2'), 'trial balance'), /^1100\s+Accounts receivable\s+6,736,000\.00\s/m);

  const csv = ok(srv.cli('journal', 'show', id, '--format', 'csv'), 'csv');
  assert.equal(csv, 'account,center,amount,memo\n1100,,6736000.00,\n4000,LA-01,-6736000.00,\n');
  const listCsv = ok(srv.cli('journal', 'list', '--format', 'csv'), 'list csv');
  assert.match(listCsv, /,6736000\.00,/);
  const trialCsv = ok(srv.cli('report', 'trial-balance', '--period', '2004Q2', '--format', 'csv'), 'trial balance csv');
  assert.match(trialCsv, /^1100,Accounts receivable,6736000\.00,/m);
  const json = ok(srv.cli('journal', 'list', '--format', 'json'), 'list json');
  assert.equal(JSON.parse(json).find((e) => e.id === entry.id).total, '6736000.00');
  for (const [what, text] of [['csv', csv], ['list csv', listCsv], ['trial balance csv', trialCsv], ['json', json]])
    assert.doesNotMatch(text, /6,736|\(6/, `${what}: no thousands separators, no parentheses`);
});

test('standard output and standard error keep their order in one file or pipe', () => {
  // user add prints the user (stdout), then the generated password (stderr)
  const file = path.join(srv.dir, 'both.txt');
  const fd = fs.openSync(file, 'w');
  const environment = { ...process.env };
  delete environment.BLOODOPS_PASSWORD;
  const toFile = spawnSync(BINARY, ['user', 'add', 'ordered', '--name', 'In Order', '--roles', 'lab', '--db', srv.db], {
    env: environment,
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  assert.equal(toFile.status, 0);
  const written = fs.readFileSync(file, 'utf8');
  assertNoSanitizerReport('bloodops user add', toFile.pid, written);
  const lines = written.trimEnd().split('\n');
  assert.match(lines[0], /^USERNAME\s+ordered$/, written);
  assert.match(lines[lines.length - 1], /^password: \S+ \(shown once\)$/, written);

  // the same through a pipe, as `2>&1 | less` would read it
  const piped = spawnSync('sh', ['-c', '"$0" "$@" 2>&1', BINARY, 'user', 'passwd', 'ordered', '--db', srv.db], {
    env: environment,
    encoding: 'utf8',
  });
  assert.equal(piped.status, 0, piped.stdout);
  assert.match(piped.stdout, /^password changed for ordered; their open sessions were ended\npassword: \S+ \(shown once\)\n$/);

});
