'use strict';
/*
 * openapi.js - every answer the API suites receive is checked against the
 * API's own description (`bloodops api openapi`, the document
 * GET /api/v1/openapi.json serves): the route is one the document lists,
 * a success comes with the status it documents and, as JSON, matches the
 * schema of its answer (JSON Schema 2020-12, by Ajv from npm; the schemas
 * close their objects, so a field the document does not describe fails
 * too), or in one of the other media types it lists; every refusal is the
 * error envelope. lib/server.js calls check() on each answer of api().
 */
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const Ajv2020 = require('ajv/dist/2020').default;

let compiled = null;

function load(binary) {
  const result = spawnSync(binary, ['api', 'openapi'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(result.status, 0, `bloodops api openapi failed: ${result.stderr}`);
  const document = JSON.parse(result.stdout);
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  ajv.addSchema({ $id: 'bloodops', components: document.components }, 'bloodops');
  const validator = (schema) => ajv.compile({ $ref: `bloodops#/components/schemas/${schema}` });
  const operations = [];
  for (const [pattern, methods] of Object.entries(document.paths)) {
    const segments = pattern.split('/');
    for (const [method, operation] of Object.entries(methods)) {
      const [status, answer] = Object.entries(operation.responses).find(([code]) => code.startsWith('2'));
      const json = answer.content && answer.content['application/json'];
      operations.push({
        method: method.toUpperCase(),
        pattern,
        segments,
        status: Number(status),
        types: Object.keys(answer.content || {}),
        validate: json ? validator(json.schema.$ref.split('/').pop()) : null,
      });
    }
  }
  return { operations, error: validator('Error') };
}

/* The documented operation of a method and path: the most specific
 * pattern, as the router chooses. */
function find(operations, method, path) {
  const parts = path.split('/');
  let best = null;
  let bestKey = '';
  for (const op of operations) {
    if (op.method !== method || op.segments.length !== parts.length) continue;
    let key = '';
    let ok = true;
    op.segments.forEach((segment, i) => {
      if (segment.startsWith('{')) {
        if (!parts[i]) ok = false;
        key += '0';
      } else {
        if (segment !== parts[i]) ok = false;
        key += '1';
      }
    });
    if (ok && key > bestKey) {
      best = op;
      bestKey = key;
    }
  }
  return best;
}

function describe(validate) {
  return (validate.errors || []).map((e) => `${e.instancePath || '(answer)'} ${e.message}${e.params && e.params.additionalProperty ? ` '${e.params.additionalProperty}'` : ''}`).join('; ');
}

/* Check one answer; throws (fails the test) when it is not as documented. */
function check(binary, method, requestPath, status, contentType, json) {
  if (!compiled) compiled = load(binary);
  const path = requestPath.split('?')[0];
  if (method === 'HEAD' || !(path.startsWith('/api/') || path === '/health')) return;
  const what = `${method} ${requestPath} answered ${status}`;
  if (status >= 400) {
    if (json === null) return; // some refusals come before the router (a 414 from libmicrohttpd)
    assert.ok(compiled.error(json), `${what}: not the documented error envelope: ${describe(compiled.error)}`);
    return;
  }
  const operation = find(compiled.operations, method, path);
  assert.ok(operation, `${what}, but the API's description has no ${method} ${path}`);
  if (status === 304) return;
  assert.equal(status, operation.status, `${what}; the description documents ${operation.status}`);
  const type = (contentType || '').split(';')[0];
  if (type === 'application/json' && operation.validate) {
    assert.ok(operation.validate(json), `${what}: the answer does not match its documented schema (${operation.pattern}): ${describe(operation.validate)}`);
  } else {
    assert.ok(operation.types.includes(type), `${what} as ${type}; the description lists ${operation.types.join(', ')}`);
  }
}

module.exports = { check };
