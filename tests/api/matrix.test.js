'use strict';
/*
 * matrix.test.js - one role matrix, followed everywhere: the matrix as the
 * program prints it (`bloodops capability list`) is what GET /api/v1/me
 * and the login answer give each role; every capability the web
 * application asks for exists in it; every page the web application
 * declares (web/js/pages/*.js) with a place in the navigation is a row of
 * the README's table of pages, with the same capability and exactly the
 * roles the matrix gives it; a route a role's capabilities do not allow is
 * refused with 403 and changes nothing.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ADMIN_PASSWORD, BINARY, REPO, startServer } = require('./lib/server');

const ROLES = ['admin', 'center_staff', 'lab', 'distribution', 'apheresis_nurse', 'contract_services',
  'finance', 'executive', 'auditor'];

let srv;
let admin;
let matrix; // capability name -> Set of roles

function capabilityList() {
  const result = spawnSync(BINARY, ['capability', 'list', '--format', 'json'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const rows = JSON.parse(result.stdout);
  return new Map(rows.map((row) => [row.capability, new Set(row.roles.split(','))]));
}

/* The pages every web/js/pages/*.js module declares. */
async function declaredPages() {
  const folder = path.join(REPO, 'web', 'js', 'pages');
  const pages = [];
  for (const name of fs.readdirSync(folder).filter((file) => file.endsWith('.js')).sort()) {
    const module = await import(path.join(folder, name));
    assert.ok(Array.isArray(module.pages), `web/js/pages/${name} declares no pages`);
    pages.push(...module.pages.map((page) => ({ ...page, file: name })));
  }
  return pages;
}

/* The README's table of pages: {path, capability, roles: Set}. */
function readmePages() {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('| page | path | capability | who may open it | what |');
  assert.ok(start >= 0, 'README has no table of pages and capabilities');
  const rows = [];
  for (const line of readme.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    const who = cells[3];
    let roles;
    if (who === 'everyone') roles = new Set(ROLES);
    else if (who.startsWith('everyone but ')) {
      const but = who.slice('everyone but '.length).split(', ').map((role) => role.replace(/ /g, '_'));
      roles = new Set(ROLES.filter((role) => !but.includes(role)));
    } else roles = new Set(who.split(', ').map((role) => role.replace(/ /g, '_')));
    rows.push({ path: cells[1].replace(/`/g, ''), capability: cells[2], roles, line });
  }
  return rows;
}

function sameSet(a, b) {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
  matrix = capabilityList();
});

after(async () => {
  if (srv) await srv.stop();
});

test('each role is given by /api/v1/me and the login exactly the capabilities the matrix gives it', async () => {
  for (const role of ROLES) {
    const username = `m_${role}`.slice(0, 30);
    const password = await srv.addUser(admin, username, role);
    const session = await srv.login(username, password);
    const expected = [...matrix].filter(([, roles]) => roles.has(role)).map(([name]) => name);
    const me = await srv.api('GET', '/api/v1/me', { token: session.token });
    assert.equal(me.status, 200);
    assert.deepEqual(me.json.capabilities, expected, role);
    assert.deepEqual(me.json.areas.map((area) => area.key),
      ['donors', 'laboratory', 'distribution', 'services', 'finance', 'administration']);
    const again = await srv.api('POST', '/api/v1/login', { body: { username, password } });
    assert.deepEqual(again.json.capabilities, expected, `${role} at login`);
  }
  // Everyone may see their session; nobody holds "none".
  assert.ok(sameSet(matrix.get('session'), new Set(ROLES)));
  assert.equal(matrix.has('none'), false);
});

test('every capability the web application asks for is in the matrix', () => {
  const used = new Set();
  const walk = (folder) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.js')) {
        const text = fs.readFileSync(file, 'utf8');
        for (const match of text.matchAll(/(?:can\(|capability: |unless: )'([a-z_.]+)'/g)) used.add(`${match[1]} (${entry.name})`);
      }
    }
  };
  walk(path.join(REPO, 'web', 'js'));
  assert.ok(used.size > 15, 'the pages ask for capabilities');
  for (const use of used) assert.ok(matrix.has(use.split(' ')[0]), `web/js asks for an unknown capability: ${use}`);
});

test('the README table of pages is the pages the application declares, with their capabilities and roles', async () => {
  const pages = await declaredPages();
  const rows = readmePages();
  const navigable = pages.filter((page) => page.nav && page.capability);
  assert.ok(navigable.length >= 14);
  for (const page of navigable) {
    const row = rows.find((r) => r.path === page.pattern);
    assert.ok(row, `README lists no row for the page ${page.pattern} (${page.file})`);
    assert.equal(row.capability, page.capability, `README row of ${page.pattern}`);
  }
  for (const row of rows) {
    const page = navigable.find((p) => p.pattern === row.path);
    assert.ok(page, `README lists ${row.path}, which no page declares`);
    assert.ok(matrix.has(row.capability), `README names an unknown capability: ${row.line}`);
    assert.ok(sameSet(row.roles, matrix.get(row.capability)),
      `README says ${[...row.roles].join(', ')} may open ${row.path}, the matrix says ${[...matrix.get(row.capability)].join(', ')}`);
  }
  // The pages that are not in the navigation are public (login) or need a
  // capability too, never nothing, but for the home page.
  for (const page of pages.filter((p) => !p.capability && !p.public)) assert.equal(page.pattern, '/');
});

test('a route the role does not hold is refused with 403 and changes nothing; a page without access is told', async () => {
  const password = await srv.addUser(admin, 'm_auditor2', 'auditor');
  const auditor = await srv.login('m_auditor2', password);
  const before = srv.fingerprint();
  for (const [method, target, body] of [
    ['POST', '/api/v1/markets', { code: 'ZZ', name: 'Nowhere' }],
    ['POST', '/api/v1/users', { username: 'x', full_name: 'X', roles: 'lab', password: 'long-password-1' }],
    ['POST', '/api/v1/journal', { date: '2004-01-05', description: 'x', lines: [] }],
    ['PUT', '/api/v1/test-panel/hiv', { required: false }],
  ]) {
    const response = await srv.api(method, target, { token: auditor.token, body });
    assert.equal(response.status, 403, `${method} ${target}: ${response.text}`);
    assert.equal(response.json.error.code, 'forbidden');
  }
  assert.equal(srv.fingerprint(), before, 'nothing changed');
  // The auditor reads what their capabilities allow.
  assert.equal((await srv.api('GET', '/api/v1/users', { token: auditor.token })).status, 200);
  assert.equal((await srv.api('GET', '/api/v1/audit', { token: auditor.token })).status, 200);
});
