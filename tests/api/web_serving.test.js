'use strict';
/*
 * web_serving.test.js - how the server hands the web application to a
 * browser: the page shell at every page path with its strict
 * Content-Security-Policy and no-cache (revalidated by ETag), the assets
 * under their hashed folder with a year's caching and gzip when accepted,
 * 404 for files that do not exist, the security headers on every answer,
 * and the API untouched by all of it. (What the pages do is tested in a real
 * browser in tests/web.)
 */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const zlib = require('node:zlib');
const { startServer, assertError } = require('./lib/server');

describe('serving the web application', () => {
  let srv;
  let shell; // the page shell as served at /
  let assetPaths; // the /assets/<hash>/... paths the shell names

  before(async () => {
    srv = await startServer();
    shell = await srv.raw({ path: '/' });
    assetPaths = [...shell.text.matchAll(/(?:href|src)="(\/assets\/[0-9a-f]{16}\/[^"]+)"/g)].map((m) => m[1]);
  });

  after(async () => {
    if (srv) await srv.stop();
  });

  function assertSecurityHeaders(response, where) {
    assert.equal(response.headers['x-content-type-options'], 'nosniff', where);
    assert.equal(response.headers['x-frame-options'], 'DENY', where);
    assert.equal(response.headers['referrer-policy'], 'no-referrer', where);
    assert.match(response.headers['content-security-policy'], /frame-ancestors 'none'/, where);
  }

  test('every page path gets the same shell, with a strict policy and no-cache', async () => {
    assert.equal(shell.status, 200, shell.text);
    assert.match(shell.headers['content-type'], /^text\/html; charset=utf-8/);
    assert.match(shell.text, /<html lang="en">/);
    assert.ok(!shell.text.includes('{{ASSETS}}'), 'the placeholder is replaced at build');
    const policy = shell.headers['content-security-policy'];
    assert.match(policy, /default-src 'self'/);
    assert.match(policy, /script-src 'self'(;|$)/, 'no inline or eval script');
    assert.match(policy, /style-src 'self'(;|$)/, 'no inline style');
    assert.match(policy, /object-src 'none'/);
    assert.equal(shell.headers['cache-control'], 'no-cache');
    assertSecurityHeaders(shell, '/');
    for (const page of ['/dashboard', '/quarterly', '/centers/LA-01', '/login']) {
      const r = await srv.raw({ path: page });
      assert.equal(r.status, 200, page);
      assert.equal(r.text, shell.text, `${page} serves the shell`);
    }
  });

  test('the shell revalidates by ETag: an unchanged build costs a 304', async () => {
    const etag = shell.headers.etag;
    assert.match(etag, /^"[0-9a-f]{16}"$/);
    const again = await srv.raw({ path: '/dashboard', headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    const other = await srv.raw({ path: '/dashboard', headers: { 'If-None-Match': '"0000000000000000"' } });
    assert.equal(other.status, 200);
  });

  test('assets live under a hashed folder, cached for a year, gzipped for browsers that accept it', async () => {
    assert.ok(assetPaths.some((p) => p.endsWith('/vendor/chart.umd.min.js')), 'Chart.js is served');
    assert.ok(assetPaths.some((p) => p.endsWith('.css')), 'a stylesheet is served');
    assert.ok(assetPaths.some((p) => p.endsWith('.js') && !p.includes('/vendor/')), 'the application script is served');
    for (const assetPath of assetPaths) {
      const plain = await srv.raw({ path: assetPath });
      assert.equal(plain.status, 200, assetPath);
      assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable', assetPath);
      const expected = { '.css': /^text\/css/, '.js': /^text\/javascript/, '.svg': /^image\/svg\+xml/ };
      const type = expected[assetPath.slice(assetPath.lastIndexOf('.'))];
      assert.ok(type, `a known kind of asset: ${assetPath}`);
      assert.match(plain.headers['content-type'], type, assetPath);
      assert.equal(plain.headers['content-encoding'], undefined, `${assetPath} is plain without Accept-Encoding`);
      assertSecurityHeaders(plain, assetPath);
    }
    const chart = assetPaths.find((p) => p.endsWith('/vendor/chart.umd.min.js'));
    const plain = await srv.raw({ path: chart });
    assert.match(plain.text, /Chart/);
    assert.ok(!/sourceMappingURL/.test(plain.text), 'no source map is asked for');
    const zipped = await new Promise((resolve, reject) => {
      http.get(new URL(chart, srv.url), { headers: { 'Accept-Encoding': 'gzip, deflate, br' } }, (res) => {
        const parts = [];
        res.on('data', (p) => parts.push(p));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
      }).on('error', reject);
    });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.vary, 'Accept-Encoding');
    assert.ok(zipped.body.length < plain.text.length / 2, 'gzip at least halves Chart.js');
    assert.equal(zlib.gunzipSync(zipped.body).toString('utf8'), plain.text, 'the gzipped bytes are the same file');
  });

  test('files that do not exist are 404, and the API keeps its JSON answers', async () => {
    for (const missing of ['/assets/0000000000000000/js/main.js', '/favicon.ico', '/robots.txt']) {
      const r = await srv.raw({ path: missing });
      assert.equal(r.status, 404, missing);
    }
    const unknown = await srv.raw({ path: '/api/v1/nothing-here' });
    assertError(unknown, 401, 'unauthorized');
    assert.match(unknown.headers['content-type'], /^application\/json/);
    assertSecurityHeaders(unknown, '/api/v1/nothing-here');
    const health = await srv.raw({ path: '/health' });
    assert.equal(health.status, 200);
    assert.deepEqual(health.json, { status: 'ok' });
    // Writing to a page path is not a page: the API's 404 answers it.
    const posted = await srv.raw({ method: 'POST', path: '/dashboard', body: '' });
    assert.equal(posted.status, 404);
  });
});
