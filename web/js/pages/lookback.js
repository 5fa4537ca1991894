// pages/lookback.js - lookback cases (docs/testing.md, "Lookback"): the list
// (/lookback, open by default, or closed, or both; by the days opened; the
// nearest deadline first, sortable by each column; overdue ones marked in
// words and colour), and one case (/lookback/ID): the donor, marker,
// trigger DIN and window, the deadlines with the days they were met,
// recording a step (quarantine, consignee notice, follow-up with its result),
// closing the case once every step is done, the units the trace found with
// what it did and the hospital that received them (the day and the
// shipment that took them there), and the printable report
// (HTML in a new tab, or the text downloaded).

import * as api from '../api.js';
import { h, replace, table } from '../dom.js';
import { dataTable, apiLoader } from '../data_table.js';
import { confirmedForm, field, form } from '../forms.js';
import { saveText } from '../download.js';
import * as format from '../format.js';
import * as chain from '../chain.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/lookback', render, title: 'Lookback cases', capability: 'lookback',
    nav: { area: 'laboratory', order: 30, label: 'Lookback', description: 'Lookback cases with their deadlines, steps and traced units.' } },
  { pattern: '/lookback/:id', render: renderOne, title: 'Lookback case', capability: 'lookback' },
];

const API = '/api/v1/lookback-cases';

const STEPS = [
  { value: 'quarantine', label: 'Quarantine of the units in inventory', short: 'Quarantine' },
  { value: 'notice', label: 'Notice to the consignees (hospitals)', short: 'Consignee notice' },
  { value: 'followup', label: 'Follow-up test result', short: 'Follow-up' },
];

function stepLabel(step) {
  const found = STEPS.find((s) => s.value === step);
  return found ? found.label : step;
}

/* Today as YYYY-MM-DD at the case's center (`zone`), or where the browser
 * is: the day the server counts "due in N days" and refuses a step done in
 * the future by (its clock, not the browser's, is the word on overdue). */
const today = (zone) => format.today(zone);

function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000);
}

/* A deadline {due, done_on, overdue} in words: done (late or not),
 * overdue, due today or in N days. */
function deadlineState(d, closed, zone) {
  if (d.done_on) {
    const late = d.due && d.done_on > d.due;
    return { kind: late ? 'done-late' : 'done', text: `done ${format.date(d.done_on)}${late ? ' (after the deadline)' : ''}` };
  }
  if (!d.due) return { kind: 'none', text: '—' };
  if (closed) return { kind: 'none', text: 'not recorded' };
  const left = daysBetween(today(zone), d.due);
  if (d.overdue) return { kind: 'overdue', text: left < 0 ? `overdue by ${-left} day${left === -1 ? '' : 's'}` : 'overdue' };
  return { kind: 'due', text: left <= 0 ? 'due today' : `due in ${left} day${left === 1 ? '' : 's'}` };
}

function stateCell(d, closed, zone) {
  const state = deadlineState(d, closed, zone);
  return h('span', { class: `deadline deadline-${state.kind}` }, state.kind === 'overdue' ? h('strong', null, state.text) : state.text);
}

function statusBadge(record) {
  if (record.status === 'closed') return h('span', { class: 'badge badge-closed' }, 'Closed');
  if (record.overdue || (record.deadlines || []).some((d) => d.overdue)) return h('span', { class: 'badge badge-deferred' }, 'Open, overdue');
  return h('span', { class: 'badge badge-pending' }, 'Open');
}

export async function render(context) {
  const list = dataTable({
    caption: 'Lookback cases',
    csvName: 'lookback-cases.csv',
    empty: 'No lookback case matches.',
    url: true,
    load: apiLoader(API),
    // The nearest deadline first (overdue ones lead); closed cases last.
    sort: [{ id: 'next_due', desc: false }],
    filterValues: { status: 'open' },
    filters: [
      { id: 'status', label: 'Cases', type: 'select', all: 'Open and closed', options: [{ value: 'open', label: 'Open' }, { value: 'closed', label: 'Closed' }] },
      { id: 'from', label: 'Opened from', type: 'date' },
      { id: 'to', label: 'Opened to', type: 'date' },
    ],
    columns: [
      { id: 'id', label: 'Case', value: (c) => c.id, header: true, cell: (c) => h('a', { href: `/lookback/${encodeURIComponent(c.id)}` }, `Case ${c.id}`) },
      { id: 'donor_number', label: 'Donor', value: (c) => c.donor_number || '', cell: (c) => c.donor_number || '—', phone: false },
      { id: 'marker', label: 'Marker', value: (c) => c.marker },
      { id: 'trigger_din', label: 'Trigger DIN', sortable: false, phone: false, value: (c) => c.trigger_eye_readable || c.trigger_din,
        cell: (c) => chain.dinText({ din: c.trigger_din, eye_readable: c.trigger_eye_readable }) },
      { id: 'opened_on', label: 'Opened', value: (c) => c.opened_on, cell: (c) => chain.day(c.opened_on) },
      {
        id: 'next_due',
        label: 'Next deadline',
        value: (c) => c.next_due || '',
        cell: (c) => (c.status === 'closed' || !c.next_due ? '—' : [chain.day(c.next_due), ' ', stateCell({ due: c.next_due, overdue: c.overdue }, false)]),
      },
      { id: 'status', label: 'Status', value: (c) => (c.status === 'closed' ? 'Closed' : c.overdue ? 'Open, overdue' : 'Open'), cell: statusBadge },
    ],
    // Overdue rows stand out (the words say it too).
    rowClass: (c) => (c.overdue && c.status !== 'closed' ? 'row-overdue' : null),
  });
  replace(context.main,
    h('h1', null, 'Lookback cases'),
    h('p', { class: 'muted' }, 'Quarantine and consignee notice are due within 3 calendar days of the case opening, the follow-up result within 45.'),
    list.element);
  await list.ready;
}

/* --- one case ------------------------------------------------------------- */

function stepForm(context, record, deadlines) {
  const open = STEPS.filter((s) => !deadlines.find((d) => d.step === s.value && d.done_on));
  const step = field({ name: 'step', label: 'Step', required: true, options: open.map((s) => ({ value: s.value, label: s.label })) });
  const doneOn = field({ name: 'done_on', label: 'Done on', type: 'date', value: today(record.time_zone), hint: 'The day the step was done.' });
  const result = field({ name: 'result', label: 'Follow-up result', hint: 'Required for the follow-up: the result of the follow-up test, e.g. "confirmed positive" or "negative".', maxlength: '500' });
  const showResult = () => {
    result.element.hidden = step.value() !== 'followup';
  };
  step.input.addEventListener('change', showResult);
  showResult();
  return form({
    label: 'Record a step',
    submitLabel: 'Record the step',
    fields: [step, doneOn, result],
    onSubmit: async (values) => {
      const body = { step: values.step };
      if (values.done_on) body.done_on = values.done_on;
      if (values.step === 'followup' && values.result.trim()) body.result = values.result.trim();
      await api.post(`${API}/${encodeURIComponent(record.id)}/steps`, body);
      registry.flash(`${stepLabel(values.step)}: recorded.`);
      context.navigate(location.pathname, { replace: true });
    },
  });
}

function closeForm(context, record) {
  return confirmedForm({
    label: 'Close the case',
    submitLabel: 'Review the closing',
    fields: [field({ name: 'reason', label: 'Conclusion', required: true, hint: 'Recorded in the audit trail, e.g. "follow-up negative, units released from hold".', maxlength: '500' })],
    confirm: (values) => ({
      title: `Close lookback case ${record.id}?`,
      text: `The case will be closed with the conclusion “${values.reason.trim()}”. A closed case is not reopened.`,
      confirmLabel: 'Yes, close the case',
    }),
    onConfirm: async (values) => {
      await api.post(`${API}/${encodeURIComponent(record.id)}/close`, { reason: values.reason.trim() });
      registry.flash(`Lookback case ${record.id} is closed.`);
      context.navigate(location.pathname, { replace: true });
    },
  });
}

function unitsTraced(record) {
  const units = record.units || [];
  if (!units.length) return h('p', { class: 'empty' }, 'No earlier donation in the window: nothing to trace.');
  const actions = { quarantined: 'Quarantined (held in inventory)', shipped: 'Shipped: notify the hospital', none: 'None (already discarded, expired or transfused)' };
  return dataTable({
    caption: 'Units traced',
    csvName: `lookback-case-${record.id}-units.csv`,
    rows: units,
    rowClass: chain.expiryRowClass,
    columns: [
      { id: 'din', label: 'DIN', value: (u) => u.eye_readable || u.din, cell: (u) => h('a', { href: `/units/lookup?din=${encodeURIComponent(u.din)}` }, chain.dinText(u)), header: true },
      { id: 'product', label: 'Product', value: (u) => `${u.product_code || ''}${u.division ? ` ${u.division}` : ''}` },
      { id: 'status_at_trace', label: 'Status when traced', value: (u) => chain.statusLabel(u.status_at_trace), phone: false },
      { id: 'status', label: 'Status now', value: (u) => (u.status ? chain.statusLabel(u.status) : ''), cell: (u) => (u.status ? chain.statusBadge(u.status) : '—') },
      { id: 'action', label: 'Action', value: (u) => actions[u.action] || u.action },
      { id: 'hospital', label: 'Hospital', value: (u) => u.hospital || '', cell: (u) => u.hospital || '—' },
      { id: 'shipped_on', label: 'Shipped', value: (u) => u.shipped_on || '',
        cell: (u) => (u.shipment ? [format.date(u.shipped_on), ', ', session.can('orders') ? h('a', { href: `/shipments/${u.shipment}` }, `shipment ${u.shipment}`) : `shipment ${u.shipment}`] : '—') },
    ],
  }).element;
}

function reportLinks(record) {
  const path = `${API}/${encodeURIComponent(record.id)}/report`;
  const status = h('p', { class: 'export-status', 'aria-live': 'polite' });
  const download = h('button', {
    type: 'button', class: 'button-secondary',
    onClick: async () => {
      download.disabled = true;
      try {
        const text = await api.request('GET', path, { params: { format: 'text' }, as: 'text' });
        saveText(text, `lookback-case-${record.id}.txt`, 'text/plain');
        replace(status, `lookback-case-${record.id}.txt is downloaded.`);
      } catch (error) {
        replace(status, h('span', { class: 'field-error' }, error.message));
      } finally {
        download.disabled = false;
      }
    },
  }, 'Download the report as text');
  return h('div', { class: 'button-row' },
    h('a', { class: 'button-secondary', href: `${path}?format=html`, target: '_blank', rel: 'noopener' }, 'Open the printable report', h('span', { class: 'visually-hidden' }, ' (opens in a new tab)')),
    download,
    status);
}

export async function renderOne(context) {
  // The names of unit statuses (GET /api/v1/reference).
  await chain.reference();
  if (!context.active()) return;
  const record = await registry.loadRecord(context, {
    path: API,
    noun: 'lookback case',
    param: 'id',
    keyName: 'number',
    title: (r) => `Lookback case ${r.id}`,
    back: ['/lookback', 'Back to the lookback cases'],
  });
  if (!record) return;
  const notices = registry.notices();
  const canWrite = session.can('lookback.write') && record.status !== 'closed';
  const deadlines = STEPS.map((step) => ({ step: step.value, ...((record.deadlines || []).find((d) => d.step === step.value) || {}) }));
  const allDone = deadlines.every((d) => d.done_on);
  const donorNumber = record.donor_number;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/lookback' }, 'Lookback cases'), ' › ', `Case ${record.id}`),
    h('div', { class: 'page-head' }, h('h1', null, `Lookback case ${record.id}: ${record.marker}`), statusBadge(record)),
    notices.element,
    h('section', { class: 'panel', 'aria-labelledby': 'case-title' },
      h('h2', { id: 'case-title' }, 'Case'),
      registry.details([
        ['Donor', donorNumber ? (session.can('donors') ? h('a', { href: `/donors/${encodeURIComponent(donorNumber)}` }, String(donorNumber)) : String(donorNumber)) : null],
        ['Marker', record.marker],
        ['Test', record.test],
        ['Trigger DIN', record.trigger_din ? h('a', { href: `/units/lookup?din=${encodeURIComponent(record.trigger_din)}` }, chain.dinText({ din: record.trigger_din, eye_readable: record.trigger_eye_readable })) : null],
        ['Window', `${chain.day(record.window_start)} to ${chain.day(record.window_end || record.opened_on)}`],
        ['Opened', chain.day(record.opened_on)],
        ['Follow-up result', record.followup_result],
        ['Status', record.status === 'closed' ? `closed ${record.closed_at ? format.dateTime(record.closed_at, record.time_zone) : ''}${record.closed_by ? ` by ${record.closed_by}` : ''}${record.close_reason ? `: ${record.close_reason}` : ''}` : 'open'],
      ]),
      reportLinks(record)),
    h('section', { class: 'panel', 'aria-labelledby': 'deadlines-title' },
      h('h2', { id: 'deadlines-title' }, 'Deadlines'),
      table({
        caption: 'Deadlines',
        captionHidden: true,
        columns: [
          { label: 'Step', value: (d) => stepLabel(d.step), header: true },
          { label: 'Due', value: (d) => chain.day(d.due) },
          { label: 'Done on', value: (d) => (d.done_on ? chain.day(d.done_on) : '—') },
          { label: 'State', value: (d) => stateCell(d, record.status === 'closed', record.time_zone) },
        ],
        rows: deadlines.map((d) => ({ ...d, className: d.overdue && !d.done_on ? 'row-overdue' : null })),
        className: 'data-table deadlines',
      }),
      canWrite && !allDone ? h('div', null, h('h3', null, 'Record a step'), stepForm(context, record, deadlines).element) : null),
    canWrite && allDone
      ? h('section', { class: 'panel', 'aria-labelledby': 'close-title' }, h('h2', { id: 'close-title' }, 'Close the case'),
        h('p', { class: 'muted' }, 'Every step is done: the case can be closed.'), closeForm(context, record))
      : null,
    canWrite && !allDone ? h('p', { class: 'muted' }, 'The case can be closed once the three steps are recorded.') : null,
    h('section', { class: 'panel', 'aria-labelledby': 'traced-title' },
      h('h2', { id: 'traced-title' }, 'Units traced'),
      unitsTraced(record)));
}
