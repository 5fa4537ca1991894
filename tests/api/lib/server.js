'use strict';
/*
 * server.js - start a real bloodops server on a temporary database, and talk
 * to it.
 *
 *   const srv = await startServer({ env: { BLOODOPS_SESSION_SECONDS: '2' } });
 *   after(() => srv.stop());
 *   const admin = await srv.login('admin', ADMIN_PASSWORD);
 *   const r = await srv.api('POST', '/api/v1/markets', { token: admin.token, body: {...} });
 *
 * Every server gets its own folder from fs.mkdtempSync (removed by stop()),
 * listens on 127.0.0.1:0 (a free port) and is found by the line it prints,
 * "bloodops is serving http://127.0.0.1:PORT/". Its stderr (the access log,
 * logfmt) is kept in memory so that tests can assert what was logged.
 *
 * Backends: with BLOODOPS_TEST_POSTGRES=postgres://user@host:port (a
 * throwaway cluster started by tests/with-postgres.sh) every server gets a
 * fresh PostgreSQL database of its own instead of a SQLite file, dropped
 * again by stop()/cleanup(). srv.sql() and srv.copyDatabase() work on
 * either backend.
 *
 * The binary: ./bloodops, or BLOODOPS_TEST_BINARY (a path, relative to the
 * repository or absolute) for every server and command the suites run,
 * e.g. build/asan/bloodops, built with AddressSanitizer and UBSan, which
 * `make test` uses for the API suite on SQLite. Sanitizer reports fail the
 * test that caused them: a report in a server's stderr, or in the report
 * file ASan writes for its process (ASAN_OPTIONS log_path, the prefix in
 * BLOODOPS_TEST_SANITIZER_LOG; tests/run-api.sh sets both), fails its stop()
 * with the report, and one from a command run by srv.cli() fails that call,
 * whatever the command's exit status. srv.sanitizerReport() is what a test
 * that kills its server itself checks.
 */
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const openapi = require('./openapi');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '../../..');
const PG_BASE = (process.env.BLOODOPS_TEST_POSTGRES || '').replace(/\/$/, '');
const BACKEND = PG_BASE ? 'postgres' : 'sqlite';
const BINARY = process.env.BLOODOPS_TEST_BINARY
  ? path.resolve(REPO, process.env.BLOODOPS_TEST_BINARY)
  : path.join(REPO, 'bloodops');
/* ASan writes its reports (and LeakSanitizer's) to <prefix>.<pid> when
 * ASAN_OPTIONS has log_path=<prefix>: tests/run-api.sh sets both. */
const SANITIZER_LOG = process.env.BLOODOPS_TEST_SANITIZER_LOG || '';
const ADMIN_PASSWORD = 'admin-password-for-api-tests';
const START_TIMEOUT_MS = 15000;
const STOP_TIMEOUT_MS = 20000;

/* The audit actor of a command run on this machine: "cli:<login name>". */
const CLI_ACTOR = `cli:${process.env.USER || os.userInfo().username}`;

/* The environment of every child: ours, without settings that would change
 * what the tests see (a database chosen elsewhere, a password that the CLI
 * would take instead of generating one, a quieter log level). */
function childEnv(extra) {
  const env = { ...process.env };
  delete env.BLOODOPS_DB;
  delete env.BLOODOPS_PASSWORD;
  delete env.BLOODOPS_LISTEN;
  delete env.BLOODOPS_SESSION_SECONDS;
  // The server's settings: a test that wants one passes it in `extra`.
  for (const name of ['THREADS', 'BODY_LIMIT', 'MAX_CONNECTIONS', 'MAX_CONNECTIONS_PER_ADDRESS', 'REQUEST_TIMEOUT',
    'IDLE_TIMEOUT', 'MAX_URI_LENGTH', 'MAX_QUERY_PARAMETERS', 'TRUSTED_PROXY', 'EXPIRY_SWEEP_SECONDS',
    'UPLOAD_LIMIT', 'UPLOAD_TIMEOUT'])
    delete env[`BLOODOPS_${name}`];
  env.BLOODOPS_LOG_LEVEL = 'info';
  env.BLOODOPS_ADMIN_PASSWORD = ADMIN_PASSWORD;
  return { ...env, ...(extra || {}) };
}

/* What a sanitizer reported for the process `pid` whose stderr is `stderr`:
 * the report file ASan wrote for it, and the lines of its stderr from the
 * first report on (UBSan writes there whatever log_path says), or '' when
 * nothing was reported. */
// The router's own report of a mistake in the code counts too: a handler
// reading a query parameter its route does not declare (router.c).
const SANITIZER_MARKERS = /ERROR: \w*Sanitizer|: runtime error: |which its route does not declare/;
function sanitizerReport(pid, stderr = '') {
  const parts = [];
  if (SANITIZER_LOG && pid) {
    const file = `${SANITIZER_LOG}.${pid}`;
    try {
      parts.push(`${file}:\n${fs.readFileSync(file, 'utf8')}`);
    } catch {
      /* no report file: nothing reported */
    }
  }
  const text = stderr || '';
  const match = SANITIZER_MARKERS.exec(text);
  if (match) {
    const start = text.lastIndexOf('\n', match.index) + 1;
    parts.push(`stderr:\n${text.slice(start, start + 20000)}`);
  }
  return parts.join('\n');
}

/* Fails (throws) when the process reported anything. */
function assertNoSanitizerReport(what, pid, stderr) {
  const report = sanitizerReport(pid, stderr);
  if (report) assert.fail(`sanitizer report from ${what} (pid ${pid}):\n${report}`);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/* A raw HTTP/1.1 request with node:http, for what fetch cannot do: no
 * Content-Type at all, a chunked body of a chosen size, a Content-Length
 * header that the body does not reach. Resolves with {status, headers, text,
 * json}; a connection the server closes after answering still resolves with
 * its answer. */
function rawRequest(url, { method = 'GET', path: requestPath = '/', headers = {}, body, chunks } = {}) {
  return new Promise((resolve, reject) => {
    const target = new URL(requestPath, url);
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        method,
        path: target.pathname + target.search,
        headers,
        agent: false,
      },
      (response) => {
        const parts = [];
        const finish = () => {
          const text = Buffer.concat(parts).toString('utf8');
          let json = null;
          try {
            json = JSON.parse(text);
          } catch {
            json = null;
          }
          resolve({ status: response.statusCode, headers: response.headers, text, json });
        };
        response.on('data', (part) => parts.push(part));
        response.on('end', finish);
        // A connection reset after the answer arrived: keep what was read.
        response.on('error', finish);
        response.on('close', finish);
      },
    );
    // The server may answer (413) and close before the whole body is sent:
    // the answer is what matters, a write error after it is not.
    let answered = false;
    request.on('response', () => {
      answered = true;
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (chunks) {
      (async () => {
        for (const chunk of chunks) {
          if (answered || request.destroyed) break;
          if (!request.write(chunk)) await new Promise((r) => request.once('drain', r));
        }
        request.end();
      })().catch(() => {});
    } else {
      request.end(body);
    }
  });
}

/* --- databases on either backend ---------------------------------------- */

function psql(location, sql) {
  return spawnSync('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', location, '-c', sql], {
    encoding: 'utf8',
  });
}

/* A new empty database for a server whose folder is `dir`. */
function createDatabase(dir, suffix = '') {
  if (BACKEND === 'sqlite') return path.join(dir, `t${suffix}.db`);
  const name = `bo_${path.basename(dir).replace(/[^a-zA-Z0-9]/g, '_').toLowerCase()}${suffix}`;
  const r = psql(`${PG_BASE}/postgres`, `CREATE DATABASE ${name} TEMPLATE template0`);
  if (r.status !== 0) throw new Error(`cannot create database ${name}: ${r.stderr}`);
  return `${PG_BASE}/${name}`;
}

function dropDatabase(db) {
  if (BACKEND === 'sqlite') return;
  const name = db.slice(db.lastIndexOf('/') + 1);
  psql(`${PG_BASE}/postgres`, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/* Run SQL straight against a database (bypassing bloodops), as someone
 * with access to the database itself could: {status, stdout, stderr}. */
function runSql(db, sql) {
  if (BACKEND === 'sqlite') return spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });
  return psql(db, sql);
}

/* The fingerprint is the suites' own measuring stick, taken before and
 * after every refused request: some 700 runs of `bloodops db fingerprint`
 * in the API suite. Under the sanitizers only its first run in each test
 * file is checked for leaks at exit: LeakSanitizer's scan adds about 60 ms
 * of CPU to every run of a command, and this one takes the same path each
 * time. Memory errors are caught in every run. */
let fingerprintLeakChecked = false;
function fingerprintEnv() {
  const env = {};
  if (fingerprintLeakChecked && process.env.ASAN_OPTIONS) env.ASAN_OPTIONS = `${process.env.ASAN_OPTIONS}:detect_leaks=0`;
  fingerprintLeakChecked = true;
  return env;
}

/*
 * startServer({env, db}) -> {url, db, dir, backend, stop(), cleanup(), cli(), sql(),
 *                        copyDatabase(), fingerprint(), login(), api(), ...}
 */
async function startServer({ env = {}, db: shared = null } = {}) {
  assert.ok(fs.existsSync(BINARY), `${BINARY} is missing: run make first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bloodops-api-'));
  /* With `db`, this server shares another server's database (not
   * initialised again, not removed by this one's cleanup). */
  const db = shared || createDatabase(dir);
  const databases = shared ? [] : [db];
  const environment = childEnv(env);
  /* Remove the folder and every database made for this server. */
  function cleanup() {
    fs.rmSync(dir, { recursive: true, force: true });
    databases.forEach(dropDatabase);
  }
  /* A copy of the database as it is now (the server should be stopped). */
  function copyDatabase(suffix) {
    if (BACKEND === 'sqlite') {
      const copy = path.join(dir, `copy${suffix}.db`);
      fs.copyFileSync(db, copy);
      return copy;
    }
    const name = `${db.slice(db.lastIndexOf('/') + 1)}_${suffix}`;
    const r = psql(`${PG_BASE}/postgres`, `CREATE DATABASE ${name} TEMPLATE ${db.slice(db.lastIndexOf('/') + 1)}`);
    if (r.status !== 0) throw new Error(`cannot copy the database: ${r.stderr}`);
    databases.push(`${PG_BASE}/${name}`);
    return `${PG_BASE}/${name}`;
  }

  const init = shared ? { status: 0 } : spawnSync(BINARY, ['init', '--db', db], { env: environment, encoding: 'utf8' });
  if (!shared) assertNoSanitizerReport('bloodops init', init.pid, init.stderr);
  if (init.status !== 0) {
    cleanup();
    throw new Error(`bloodops init failed (${init.status}): ${init.stderr}`);
  }

  const child = spawn(BINARY, ['serve', '--listen', '127.0.0.1:0', '--db', db], {
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => {
    stderr += text;
  });
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  let exitResult = null;
  exited.then((result) => {
    exitResult = result;
  });

  let url;
  try {
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`bloodops serve did not start in time; stderr:\n${stderr}`)),
        START_TIMEOUT_MS,
      );
      child.stdout.on('data', (text) => {
        stdout += text;
        const match = /^bloodops is serving (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`bloodops serve exited (${code ?? signal}) before serving; stderr:\n${stderr}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    cleanup();
    assertNoSanitizerReport('bloodops serve', child.pid, stderr);
    throw error;
  }
  const base = url.replace(/\/$/, '');

  let stopped = null;
  /* Stop with a signal (SIGTERM unless told), wait for the exit, remove the
   * folder; asserts the exit was a graceful one (status 0). Idempotent. */
  function stop({ signal = 'SIGTERM', keepDir = false } = {}) {
    if (!stopped) {
      stopped = (async () => {
        try {
          if (!exitResult) child.kill(signal);
          let timer;
          const result = await Promise.race([
            exited,
            new Promise((resolve) => {
              timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
            }),
          ]);
          clearTimeout(timer);
          if (!result) {
            child.kill('SIGKILL');
            await exited;
            assertNoSanitizerReport('bloodops serve', child.pid, stderr);
            assert.fail(`bloodops serve did not stop within ${STOP_TIMEOUT_MS} ms of ${signal}`);
          }
          assertNoSanitizerReport('bloodops serve', child.pid, stderr);
          assert.deepEqual(
            result,
            { code: 0, signal: null },
            `bloodops serve should exit 0 after ${signal}; stderr:\n${stderr.slice(-2000)}`,
          );
          return result;
        } finally {
          if (!keepDir) cleanup();
        }
      })();
    }
    return stopped;
  }

  /* Run the binary on this server's database: cli('center', 'add', ...). */
  function cli(...args) {
    let options = {};
    if (args.length && typeof args[args.length - 1] === 'object') options = args.pop();
    const result = spawnSync(BINARY, [...args, '--db', db], {
      env: childEnv(options.env),
      input: options.input,
      encoding: 'utf8',
    });
    assertNoSanitizerReport(`bloodops ${args.join(' ')}`, result.pid, result.stderr);
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  function fingerprint() {
    const result = cli('db', 'fingerprint', { env: fingerprintEnv() });
    assert.equal(result.status, 0, `bloodops db fingerprint failed: ${result.stderr}`);
    const digest = result.stdout.trim();
    assert.match(digest, /^[0-9a-f]{64}$/);
    return digest;
  }

  /* One API request. token: bearer; cookie: "bloodops_session=..."; csrf:
   * X-CSRF-Token; body: sent as JSON; rawBody: sent as it is (set the
   * Content-Type in headers yourself). Each request has its own
   * connection (Connection: close) unless keepAlive is set: an idle
   * keep-alive connection would hold up the server's shutdown (see
   * server.test.js), and the access-log line of a request is then written
   * as soon as it is answered. */
  async function api(method, requestPath, { token, cookie, csrf, body, headers = {}, rawBody, keepAlive = false } = {}) {
    const sent = { ...headers };
    if (!keepAlive) sent.Connection = 'close';
    if (token) sent.Authorization = `Bearer ${token}`;
    if (cookie) sent.Cookie = cookie;
    if (csrf) sent['X-CSRF-Token'] = csrf;
    let payload;
    if (rawBody !== undefined) {
      payload = rawBody;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      if (!Object.keys(sent).some((name) => name.toLowerCase() === 'content-type'))
        sent['Content-Type'] = 'application/json';
    }
    const response = await fetch(base + requestPath, { method, headers: sent, body: payload });
    const text = await response.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    openapi.check(BINARY, method, requestPath, response.status, response.headers.get('content-type'), json);
    return { status: response.status, headers: response.headers, json, text };
  }

  /* Log in; asserts success. Returns {token, csrf_token, cookie, user, setCookie}. */
  async function login(username, password) {
    const response = await api('POST', '/api/v1/login', { body: { username, password } });
    assert.equal(response.status, 200, `login of ${username}: ${response.text}`);
    const setCookie = response.headers.get('set-cookie') || '';
    const match = /bloodops_session=([^;]*)/.exec(setCookie);
    assert.ok(match, `login of ${username} sets no bloodops_session cookie: ${setCookie}`);
    return {
      token: response.json.token,
      csrf_token: response.json.csrf_token,
      cookie: `bloodops_session=${match[1]}`,
      user: response.json.user,
      setCookie,
    };
  }

  /* Create a user through the API as `admin` (a login result); asserts 201.
   * centers: the donor centers they work at ("LA-01,OC-01"), or 'all' for
   * every center on record now (what a member of center staff needs to see
   * anything: docs/users.md, "Scope"). */
  async function addUser(admin, username, roles, password = `${username}-password-1`, { centers } = {}) {
    const response = await api('POST', '/api/v1/users', {
      token: admin.token,
      body: { username, full_name: `Test ${username}`, roles, password },
    });
    assert.equal(response.status, 201, `creating user ${username}: ${response.text}`);
    if (centers !== undefined) {
      let codes = centers;
      if (centers === 'all') {
        const list = await api('GET', '/api/v1/centers?limit=500', { token: admin.token });
        assert.equal(list.status, 200, list.text);
        codes = list.json.items.map((center) => center.code).join(',');
      }
      const scope = await api('PUT', `/api/v1/users/${username}/scope`, { token: admin.token, body: { centers: codes } });
      assert.equal(scope.status, 200, `assigning ${username} their centers: ${scope.text}`);
    }
    return password;
  }

  /* Wait until the access log (stderr) holds a line matching `pattern`:
   * the line is written when the request completes, which may be just
   * after the client has its answer. */
  async function waitForLog(pattern, timeoutMs = 3000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = stderr.split('\n').find((l) => pattern.test(l));
      if (line) return line;
      if (Date.now() > deadline) return null;
      await sleep(25);
    }
  }

  return {
    url,
    base,
    db,
    dir,
    pid: child.pid,
    stop,
    cleanup,
    copyDatabase,
    backend: BACKEND,
    sql: (query) => runSql(db, query),
    sqlOn: runSql,
    cli,
    fingerprint,
    api,
    login,
    addUser,
    waitForLog,
    raw: (options) => rawRequest(url, options),
    stderr: () => stderr,
    stdout: () => stdout,
    /* What a sanitizer reported for this server so far ('' if nothing). */
    sanitizerReport: () => sanitizerReport(child.pid, stderr),
    exited,
  };
}

/* The error envelope: asserts status, code and (when given) field and a
 * piece of the message. `field: undefined` leaves the field unchecked;
 * `field: null` asserts there is none. */
function assertError(response, status, code, { field, message } = {}) {
  const where = `${response.status} ${response.text}`;
  assert.equal(response.status, status, `status: ${where}`);
  assert.ok(response.json && response.json.error, `an error envelope: ${where}`);
  assert.equal(response.json.error.code, code, `error code: ${where}`);
  assert.equal(typeof response.json.error.message, 'string', `error message: ${where}`);
  assert.ok(response.json.error.message.length > 0, `error message not empty: ${where}`);
  if (field === null) assert.equal(response.json.error.field, undefined, `no field: ${where}`);
  else if (field !== undefined) assert.equal(response.json.error.field, field, `error field: ${where}`);
  if (message instanceof RegExp) assert.match(response.json.error.message, message, `message: ${where}`);
  else if (typeof message === 'string')
    assert.ok(response.json.error.message.includes(message), `message has "${message}": ${where}`);
}

module.exports = {
  ADMIN_PASSWORD,
  BACKEND,
  BINARY,
  CLI_ACTOR,
  REPO,
  assertError,
  assertNoSanitizerReport,
  childEnv,
  createDatabase,
  dropDatabase,
  rawRequest,
  sanitizerReport,
  sleep,
  startServer,
};
