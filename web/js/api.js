// api.js - talking to the bloodops API: JSON in and out, the session cookie
// (sent by the browser), the CSRF token on every POST/PATCH, errors turned
// into ApiError {status, code, message, field}, and a 401 at any time
// handed to whoever registered onUnauthorized (the session: back to login).
// A file sent whole as the body (upload) goes through XMLHttpRequest, whose
// upload events tell how much has been sent.

let csrfToken = null;
let unauthorizedHandler = null;

export class ApiError extends Error {
  constructor(status, code, message, field, details = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
    // Whatever else the error envelope carried (an import's list of
    // problems, a duplicate's existing record), as the server sent it.
    this.details = details;
  }
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

/* A query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {}))
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/* The ApiError of an error envelope (or of an answer without one). */
function errorFrom(status, statusText, body) {
  const error = body && body.error;
  if (error) return new ApiError(status, error.code, error.message, error.field, error);
  return new ApiError(status, 'http_error', `The server answered ${status} ${statusText}.`);
}

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return errorFrom(response.status, response.statusText, body);
}

/*
 * request('GET', '/api/v1/centers', {params, body, as: 'json'|'text'|'blob',
 * quiet401, idempotencyKey}) -> the parsed answer; throws ApiError. A 401
 * calls the unauthorized handler (unless quiet401) before throwing. An
 * idempotencyKey (see idempotencyKey()) makes a POST safe to send again:
 * the server answers a repeat with the first answer and does nothing twice.
 */
export async function request(method, path, { params, body, as = 'json', quiet401 = false, idempotencyKey = null } = {}) {
  const headers = { Accept: as === 'json' ? 'application/json' : '*/*' };
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET' && method !== 'HEAD') {
    headers['Content-Type'] = 'application/json';
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    init.body = JSON.stringify(body === undefined ? {} : body);
  }
  let response;
  try {
    response = await fetch(path + query(params), init);
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check the connection and try again.');
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && !quiet401 && unauthorizedHandler) unauthorizedHandler(error);
    throw error;
  }
  if (as === 'text') return response.text();
  if (as === 'blob') return response.blob();
  return response.json();
}

/*
 * upload('/api/v1/test-results/upload', file, {params, onProgress(sent,
 * total)}) -> the parsed answer; throws ApiError as request() does. The file
 * is the body itself (its own Content-Type, text/csv when the browser does
 * not know it), streamed by the browser: no size limit of a JSON body.
 */
export function upload(path, file, { params, onProgress = null, quiet401 = false } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path + query(params));
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', file.type || 'text/csv');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.responseType = 'text';
    if (onProgress) {
      xhr.upload.addEventListener('progress', (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size));
      xhr.upload.addEventListener('load', () => onProgress(file.size, file.size));
    }
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'The server cannot be reached. Check the connection and try again.')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'network', 'The upload was stopped before it ended.')));
    xhr.addEventListener('load', () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body);
        return;
      }
      const error = errorFrom(xhr.status, xhr.statusText, body);
      if (xhr.status === 401 && !quiet401 && unauthorizedHandler) unauthorizedHandler(error);
      reject(error);
    });
    xhr.send(file);
  });
}

export const get = (path, params, options) => request('GET', path, { ...options, params });
export const post = (path, body, options) => request('POST', path, { ...options, body });
export const patch = (path, body, options) => request('PATCH', path, { ...options, body });
export const put = (path, body, options) => request('PUT', path, { ...options, body });

/* Every page of a list (for small lists such as markets in a select). */
export async function getAll(path, params = {}) {
  const items = [];
  let after = null;
  do {
    const page = await get(path, { ...params, limit: 500, after });
    items.push(...page.items);
    after = page.next_after;
  } while (after);
  return items;
}

/* A new key for one action (a collection being recorded): the same key
 * on a retry after a lost answer, a new one for the next action. */
export function idempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
