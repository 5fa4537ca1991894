'use strict';
/*
 * server.test.js - the server itself: the health check, the access log,
 * security headers on every answer, and a graceful stop on SIGTERM and
 * SIGINT (requests in flight finish, idle connections do not hold it up).
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { startServer, assertError, sleep, ADMIN_PASSWORD } = require('./lib/server');

let srv;
let admin;

before(async () => {
  srv = await startServer();
  admin = await srv.login('admin', ADMIN_PASSWORD);
});

after(async () => {
  if (srv) await srv.stop();
});

/* The access-log line of a request: logfmt with method, path, status. */
function logLine(method, path, status, user) {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `msg=request method=${method} path=${escaped} status=${status} ms=[0-9.]+ user=${user ? user : '\\S+'}( |$)`,
  );
}

test('GET /health answers 200 without a session', async () => {
  const r = await srv.api('GET', '/health');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { status: 'ok' });
  assert.match(r.headers.get('content-type'), /^application\/json/);
});

test('GET /api/v1/version needs a session and names the backend', async () => {
  let r = await srv.api('GET', '/api/v1/version');
  assertError(r, 401, 'unauthorized');
  r = await srv.api('GET', '/api/v1/version', { token: admin.token });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.version, /^\d+\.\d+\.\d+/);
  assert.equal(r.json.database, srv.backend);
});

test('every request is logged on stderr with method, path, status and user', async () => {
  const requests = [
    ['GET', '/health', {}, 200, '-'],
    ['GET', '/api/v1/me', {}, 401, '-'],
    ['GET', '/api/v1/me', { token: admin.token }, 200, 'admin'],
    ['GET', '/api/v1/no-such-thing', { token: admin.token }, 404, 'admin'],
    ['DELETE', '/api/v1/markets', { token: admin.token }, 405, 'admin'],
    ['POST', '/api/v1/markets', { token: admin.token, body: { code: 'LOGGED', name: 'Logged' } }, 201, 'admin'],
    ['POST', '/api/v1/markets', { token: admin.token, body: { code: 'LOGGED', name: 'Again' } }, 409, 'admin'],
    ['POST', '/api/v1/markets', { token: admin.token, body: { code: 'X', nme: 1 } }, 400, 'admin'],
  ];
  for (const [method, path, options, status, user] of requests) {
    const r = await srv.api(method, path, options);
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    const line = await srv.waitForLog(logLine(method, path, status, user));
    assert.ok(line, `no access-log line for ${method} ${path} ${status} user=${user}; stderr:\n${srv.stderr().slice(-3000)}`);
  }
  // The query string is not part of the logged path; a login is logged too.
  await srv.api('GET', '/api/v1/centers?q=secret-search&limit=5', { token: admin.token });
  assert.ok(await srv.waitForLog(logLine('GET', '/api/v1/centers', 200, 'admin')));
  await srv.login('admin', ADMIN_PASSWORD);
  assert.ok(await srv.waitForLog(logLine('POST', '/api/v1/login', 200)));
  assert.ok(!srv.stderr().includes(ADMIN_PASSWORD), 'the password is never logged');
  assert.ok(!srv.stderr().includes(admin.token), 'the session token is never logged');
});

test('a refused oversized body is logged as 413', async () => {
  const r = await srv.raw({
    method: 'POST',
    path: '/api/v1/markets',
    headers: {
      Authorization: `Bearer ${admin.token}`,
      'Content-Type': 'application/json',
      'Content-Length': 2 * 1048576,
      Expect: '100-continue',
    },
  });
  assert.equal(r.status, 413, r.text);
  assert.ok(await srv.waitForLog(logLine('POST', '/api/v1/markets', 413)), srv.stderr().slice(-2000));
});

test('a path that could forge log fields is quoted in the log', async () => {
  const r = await srv.api('GET', '/api/v1/x%20status=200%20user=admin', { token: admin.token });
  assert.equal(r.status, 404, r.text);
  const line = await srv.waitForLog(/path="\/api\/v1\/x status=200 user=admin"/);
  assert.ok(line, `the path is one quoted value: ${srv.stderr().slice(-1000)}`);
  assert.match(line, /status=404 /);
});

test('security headers on API answers: nosniff, no-store, JSON', async () => {
  const cases = [
    ['GET', '/health', {}, 200],
    ['GET', '/api/v1/me', { token: admin.token }, 200],
    ['GET', '/api/v1/me', {}, 401],
    ['GET', '/api/v1/nothing', { token: admin.token }, 404],
    ['PATCH', '/api/v1/centers', { token: admin.token }, 405],
    ['POST', '/api/v1/markets', { token: admin.token, body: { code: 'X', name: '' } }, 400],
  ];
  for (const [method, path, options, status] of cases) {
    const r = await srv.api(method, path, options);
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${method} ${path}`);
    assert.equal(r.headers.get('cache-control'), 'no-store', `${method} ${path}`);
    assert.match(r.headers.get('content-type') || '', /^application\/json; charset=utf-8$/, `${method} ${path}`);
  }
  // The login answer, which carries the token, must not be cached either.
  const login = await srv.api('POST', '/api/v1/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
  assert.equal(login.headers.get('cache-control'), 'no-store');
});

test('SIGTERM: a graceful stop, exit status 0', async () => {
  const other = await startServer();
  try {
    const r = await other.api('GET', '/health');
    assert.equal(r.status, 200);
  } finally {
    const result = await other.stop({ signal: 'SIGTERM' });
    assert.deepEqual(result, { code: 0, signal: null });
  }
  assert.match(other.stderr(), /signal 15: stopping/);
  assert.match(other.stderr(), /msg=stopped/);
  // Nothing listens there any more.
  await assert.rejects(fetch(`${other.base}/health`));
});

test('SIGINT: a graceful stop too, exit status 0', async () => {
  const other = await startServer();
  const result = await other.stop({ signal: 'SIGINT' });
  assert.deepEqual(result, { code: 0, signal: null });
  assert.match(other.stderr(), /signal 2: stopping/);
  assert.match(other.stderr(), /msg=stopped/);
});

test('SIGTERM during a request: the request in flight still finishes', async () => {
  const other = await startServer();
  let stopping;
  try {
    const session = await other.login('admin', ADMIN_PASSWORD);
    const body = JSON.stringify({ code: 'INFLIGHT', name: 'Finished after SIGTERM' });
    // A request whose body arrives in two parts, with SIGTERM in between.
    const answer = new Promise((resolve, reject) => {
      const url = new URL(other.url);
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/api/v1/markets',
          agent: false,
          headers: {
            Authorization: `Bearer ${session.token}`,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (part) => (text += part));
          response.on('end', () => resolve({ status: response.statusCode, text }));
        },
      );
      request.on('error', reject);
      request.write(body.slice(0, 10));
      setTimeout(() => {
        stopping = other.stop({ signal: 'SIGTERM', keepDir: true });
        setTimeout(() => request.end(body.slice(10)), 500);
      }, 300);
    });
    const r = await answer;
    assert.equal(r.status, 201, r.text);
    assert.equal(JSON.parse(r.text).code, 'INFLIGHT');
    const result = await stopping;
    assert.deepEqual(result, { code: 0, signal: null });
    // It was committed: the command line sees it after the stop.
    const list = other.cli('market', 'list', '--format', 'json');
    assert.equal(list.status, 0, list.stderr);
    assert.ok(JSON.parse(list.stdout).some((m) => m.code === 'INFLIGHT'), list.stdout);
  } finally {
    if (!stopping) await other.stop();
    other.cleanup();
  }
});

test('SIGTERM with an idle keep-alive connection open: the server still stops promptly', async () => {
  const other = await startServer();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    // One request on a keep-alive connection, which then stays open, idle,
    // as a browser's would.
    const status = await new Promise((resolve, reject) => {
      const url = new URL(other.url);
      http
        .get({ host: url.hostname, port: url.port, path: '/health', agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode));
        })
        .on('error', reject);
    });
    assert.equal(status, 200);
    await sleep(100);
    const started = Date.now();
    const result = await other.stop({ signal: 'SIGTERM' });
    const took = Date.now() - started;
    assert.deepEqual(result, { code: 0, signal: null });
    // Nothing is in flight: waiting for the idle connection to go away by
    // itself (the server waits up to 10 s) is a stop that hangs.
    assert.ok(took < 3000, `the stop took ${took} ms with only an idle connection open`);
  } finally {
    agent.destroy();
    await other.stop().catch(() => {});
  }
});
