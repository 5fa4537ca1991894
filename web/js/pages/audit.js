// pages/audit.js - the audit trail (/audit, admin and auditor; docs/users.md,
// "The audit trail page"): every recorded change and login, newest first, a
// server list (data_table.js) filtered by the kind and id of the record, who
// acted, the action and a range of days, kept in the URL so that a link
// shows the same records (the users page links each user's history). A
// record opens to its before and after side by side, field by field, each
// field that differs marked in words as well as in colour. "Verify the
// chain" walks the whole hash chain on the server and says whether it is
// intact, with the number of records checked, or where it breaks.

import * as api from '../api.js';
import { h, message, replace, uid } from '../dom.js';
import * as format from '../format.js';
import { dataTable, apiLoader } from '../data_table.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/audit', render, title: 'Audit trail', capability: 'audit',
    nav: { area: 'administration', order: 50, label: 'Audit trail', description: 'Who changed what and when, before and after; verify the chain.' } },
];

const API = '/api/v1/audit';

// What the filters suggest (any other text is taken as well: the kinds and
// actions of modules added later are found by typing them).
const KINDS = ['account', 'center', 'collection', 'deferral', 'din', 'donor', 'eligibility_setting',
  'hospital', 'journal_entry', 'journal_import', 'lookback_case', 'market', 'period', 'session',
  'shares', 'signature', 'unit', 'user'];
const ACTIONS = ['create', 'update', 'close', 'disable', 'enable', 'roles', 'scope', 'set_password',
  'login', 'login_failed', 'login_locked', 'logout', 'record', 'process', 'status', 'hold', 'post',
  'reverse', 'import', 'open', 'step'];

// The names of the filters, for an error the server names one of them by.
const FILTER_LABELS = { entity: 'Kind of record', entity_id: 'Record id', actor: 'Who', action: 'Action', from: 'From', to: 'To' };

/* --- a record's before and after -------------------------------------------- */

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/* How one field's value reads: text as it is, a list of plain values
 * comma-separated, anything else as compact JSON. */
function valueText(value) {
  if (value === undefined) return null;
  if (value === null) return 'empty';
  if (Array.isArray(value) && value.every((v) => !isObject(v) && !Array.isArray(v)))
    return value.length ? value.map(String).join(', ') : 'none';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/* The fields of a record's before and after, in the order the after lists
 * them, then those only the before has; each with how it changed:
 * 'changed', 'added' (only after), 'removed' (only before) or null. */
export function fieldChanges(before, after) {
  const b = isObject(before) ? before : {};
  const a = isObject(after) ? after : {};
  const names = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
  return names.map((name) => {
    const inBefore = name in b;
    const inAfter = name in a;
    let change = null;
    if (!inBefore && isObject(before)) change = 'added';
    else if (!inAfter && isObject(after)) change = 'removed';
    else if (inBefore && inAfter && JSON.stringify(b[name]) !== JSON.stringify(a[name])) change = 'changed';
    return { name, before: inBefore ? b[name] : undefined, after: inAfter ? a[name] : undefined, change };
  });
}

const CHANGE_WORDS = { changed: 'changed', added: 'added', removed: 'removed' };

function valueCell(value, side) {
  const text = valueText(value);
  if (text === null) return h('td', { class: `diff-${side} diff-absent` }, h('span', { class: 'muted' }, '—'), h('span', { class: 'visually-hidden' }, 'not in this version'));
  return h('td', { class: `diff-${side}` }, value === null ? h('span', { class: 'muted' }, 'empty') : h('span', { class: 'diff-value' }, text));
}

/* The before and after of a record, side by side. */
function diffTable(record) {
  const fields = fieldChanges(record.before, record.after);
  if (!fields.length) return h('p', { class: 'muted' }, 'This record keeps no values before or after (the action itself is the record).');
  const side = (value, created) => (value === null ? (created ? 'none (the record did not exist)' : 'none (the record is gone)') : null);
  const changedCount = fields.filter((f) => f.change).length;
  return h('div', null,
    h('p', null, record.before === null ? 'This record created it: every field is new.'
      : record.after === null ? 'This record removed it.'
        : changedCount ? `${changedCount} of ${fields.length} ${fields.length === 1 ? 'field' : 'fields'} changed (marked “changed”).` : 'No field changed.'),
    h('div', { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': `Record ${record.seq}: before and after` },
      h('table', { class: 'data-table diff-table' },
        h('caption', { class: 'visually-hidden' }, `Record ${record.seq}: each field before and after`),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Field'),
          h('th', { scope: 'col' }, 'Before', side(record.before, true) ? h('span', { class: 'muted' }, ` — ${side(record.before, true)}`) : null),
          h('th', { scope: 'col' }, 'After', side(record.after, false) ? h('span', { class: 'muted' }, ` — ${side(record.after, false)}`) : null))),
        h('tbody', null, fields.map((f) => h('tr', { class: f.change ? `diff-row diff-row-${f.change}` : 'diff-row' },
          h('th', { scope: 'row' }, h('code', null, f.name),
            f.change ? h('span', { class: `diff-mark diff-mark-${f.change}` }, CHANGE_WORDS[f.change]) : null),
          valueCell(f.before, 'before'),
          valueCell(f.after, 'after')))))));
}

function recordPanel(record, close) {
  const titleId = uid('record-title');
  const title = h('h2', { id: titleId, tabindex: '-1' }, `Record ${record.seq}: ${record.entity} ${record.entity_id}, ${record.action}`);
  return {
    title,
    element: h('section', { class: 'panel audit-record', 'aria-labelledby': titleId },
      h('div', { class: 'panel-head' }, title,
        h('button', { type: 'button', class: 'button-secondary button-small', onClick: close }, 'Close', h('span', { class: 'visually-hidden' }, ` record ${record.seq}`))),
      h('dl', { class: 'details' },
        h('dt', null, 'When'), h('dd', null, format.timestamp(record.at)),
        h('dt', null, 'Who'), h('dd', null, record.actor),
        h('dt', null, 'Record'), h('dd', null, `${record.entity} ${record.entity_id} `,
          h('a', { href: `/audit?entity=${encodeURIComponent(record.entity)}&entity_id=${encodeURIComponent(record.entity_id)}` }, 'its whole history')),
        h('dt', null, 'Action'), h('dd', null, record.action),
        h('dt', null, 'Reason'), h('dd', null, record.reason || '—')),
      h('h3', null, 'Before and after'),
      diffTable(record)),
  };
}

/* --- the chain ---------------------------------------------------------------- */

function verifyPanel() {
  const result = h('div', { class: 'verify-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'button-secondary' }, 'Verify the chain');
  button.addEventListener('click', async () => {
    button.disabled = true;
    replace(result, h('p', { class: 'loading', role: 'status' }, 'Checking every record of the trail…'));
    try {
      const answer = await api.get(`${API}/verify`);
      const checked = format.integer(answer.records_checked);
      replace(result, answer.intact
        ? message('success', `The audit trail is intact: ${checked} ${answer.records_checked === 1 ? 'record' : 'records'} checked, none altered, removed or inserted.`)
        : message('error', `The chain is broken at record ${answer.first_bad_seq}: ${answer.problem}. The ${checked} records before it are intact.`));
    } catch (error) {
      replace(result, message('error', `The chain cannot be verified: ${error.message}`));
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'verify-title' },
    h('h2', { id: 'verify-title' }, 'The hash chain'),
    h('p', { class: 'muted' }, 'Each record carries a hash of its content and of the record before it. Verifying recomputes every hash and names the first record altered, removed or inserted.'),
    button, result);
}

/* --- the page ------------------------------------------------------------------ */

/* The changed fields of a record, by name, for the list and its CSV. */
function changedNames(record) {
  if (record.before === null || record.after === null) return '';
  return fieldChanges(record.before, record.after).filter((f) => f.change).map((f) => f.name).join(', ');
}

export async function render(context) {
  // Who can have acted: the users (admins and auditors may list them).
  let actors = [];
  try {
    actors = (await api.getAll('/api/v1/users')).map((u) => u.username);
  } catch {
    actors = [];
  }
  if (!context.active()) return;
  const detail = h('div');
  let shown = null; // the record open below the list
  let opener = null;
  const closeRecord = () => {
    replace(detail);
    shown = null;
    if (opener && opener.isConnected) opener.focus();
  };
  const openRecord = (record, button) => {
    shown = record.seq;
    opener = button;
    const panel = recordPanel(record, closeRecord);
    replace(detail, panel.element);
    panel.title.focus();
  };
  const load = apiLoader(API);
  const list = dataTable({
    caption: 'Audit trail',
    csvName: 'audit-trail.csv',
    empty: 'No record matches these filters.',
    url: true,
    // Newest first: what an auditor looks for first is the latest.
    sort: [{ id: 'seq', desc: true }],
    load: async (query) => {
      try {
        // Unsorted is the trail's own order (by record number), asked as
        // a sort so that the answer carries its total.
        return await load({ ...query, sort: query.sort || 'seq' });
      } catch (error) {
        if (error.field && FILTER_LABELS[error.field]) throw new Error(`${FILTER_LABELS[error.field]}: ${error.message}`);
        throw error;
      }
    },
    filters: [
      { id: 'entity', label: 'Kind of record', type: 'text', placeholder: 'user, center…', suggestions: KINDS },
      { id: 'entity_id', label: 'Record id', type: 'text', placeholder: 'LA-01, jdoe…' },
      { id: 'actor', label: 'Who', type: 'text', placeholder: 'user name', suggestions: actors },
      { id: 'action', label: 'Action', type: 'text', placeholder: 'create, update…', suggestions: ACTIONS },
      { id: 'from', label: 'From', type: 'date' },
      { id: 'to', label: 'To', type: 'date' },
    ],
    columns: [
      { id: 'seq', label: 'Record', value: (r) => r.seq, numeric: true, header: true,
        cell: (r) => h('button', { type: 'button', class: 'link-button', 'aria-current': shown === r.seq ? 'true' : null,
          onClick: (event) => openRecord(r, event.currentTarget) }, h('span', { class: 'visually-hidden' }, 'Open record '), String(r.seq)) },
      { id: 'at', label: 'When (UTC)', value: (r) => r.at, cell: (r) => format.timestamp(r.at) },
      { id: 'actor', label: 'Who', value: (r) => r.actor },
      { id: 'entity', label: 'Kind', value: (r) => r.entity },
      { id: 'entity_id', label: 'Id', value: (r) => r.entity_id },
      { id: 'action', label: 'Action', value: (r) => r.action },
      { id: 'changed', label: 'Fields changed', value: changedNames, sortable: false, phone: false },
      { id: 'reason', label: 'Reason', value: (r) => r.reason || '', sortable: false, phone: false },
    ],
  });
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Audit trail')),
    h('p', { class: 'muted' }, 'Every change made through the web application, the API or the command line, and every login, with who made it and the record before and after. Open a record by its number to compare them.'),
    verifyPanel(),
    h('div', { class: 'audit-list' }, list.element),
    detail);
  await list.ready;
}
