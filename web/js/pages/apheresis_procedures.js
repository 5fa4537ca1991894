// pages/apheresis_procedures.js - apheresis procedure records
// (docs/apheresis.md, "Procedures"): the list (/apheresis-procedures), the
// record entry at the bedside (/apheresis-procedures/new?order=ID: large
// fields for a phone or a tablet), and a record's page with what its order
// prescribed beside what was delivered, the nurse's signature (password
// re-entered), the amendment of a signed record with its reason and the
// amendments made. Recorded from a booking (?booking=ID), the form is filled
// from it; a record's page links to its order and booking and, once signed,
// its invoice and journal entry. Prices, costs and the comparison are the
// server's.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { dataTable, apiLoader } from '../data_table.js';
import { confirmedForm, field, form } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

export const pages = [
  { pattern: '/apheresis-procedures', render: renderProcedures, title: 'Apheresis procedures', capability: 'apheresis',
    nav: { area: 'services', order: 30, label: 'Apheresis procedures', description: 'Procedures performed under physicians\u2019 orders: record, sign, amend.' } },
  { pattern: '/apheresis-procedures/new', render: renderNewProcedure, title: 'Record a procedure', capability: 'apheresis.write' },
  { pattern: '/apheresis-procedures/:id', render: renderProcedure, title: 'Apheresis procedure', capability: 'apheresis' },
];

const number = (name, label, hint, extra = {}) => field({ name, label, hint, inputmode: 'numeric', autocomplete: 'off', ...extra });
const VITALS = [['systolic', 'Systolic (mmHg)'], ['diastolic', 'Diastolic (mmHg)'], ['pulse', 'Pulse (per minute)'],
  ['temperature', 'Temperature (\u00b0C)'], ['spo2', 'SpO2 (%)']];
const SEVERITIES = [{ value: '', label: 'No adverse event' }, { value: 'mild', label: 'Mild' }, { value: 'moderate', label: 'Moderate' }, { value: 'severe', label: 'Severe' }];

/* The local date and time of a datetime-local field as UTC. */
const utc = (local) => (local ? new Date(local).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined);

/* The clinical fields (every record; an amendment changes these). */
function clinicalFields(p = {}) {
  const vitals = (when) => VITALS.map(([key, label]) => number(`${when}_${key}`, `${when === 'before' ? 'Before' : 'After'}: ${label}`, null,
    { inputmode: 'decimal', value: (p[`vitals_${when}`] || {})[key] ?? '' }));
  const event = (p.adverse_events || [])[0] || {};
  return [
    field({ name: 'device_serial', label: 'Device serial number', required: !p.id, value: p.device_serial }),
    field({ name: 'kit_lot', label: 'Column or kit lot', required: !p.id, value: p.kit_lot }),
    ...vitals('before'), ...vitals('after'),
    number('blood_processed_ml', 'Whole blood processed (mL)', null, { value: p.blood_processed_ml ?? '' }),
    number('plasma_removed_ml', 'Plasma removed (mL)', null, { value: p.plasma_removed_ml ?? '' }),
    number('albumin_vials', '5% albumin vials given', null, { value: p.albumin_vials ?? '' }),
    number('plasma_units', 'Plasma units given', null, { value: p.plasma_units ?? '' }),
    number('saline_ml', 'Saline given (mL)', null, { value: p.saline_ml ?? '' }),
    number('anticoagulant_ml', 'Anticoagulant used (mL)', null, { value: p.anticoagulant_ml ?? '' }),
    number('ratio', 'Anticoagulant ratio 1:N', 'N, e.g. 12', { inputmode: 'decimal', value: p.ratio ?? '' }),
    number('calcium_mg', 'Calcium given (mg)', 'In mg: 1 g is 1000', { value: p.calcium_mg ?? '' }),
    field({ name: 'event_what', label: 'Adverse event', hint: 'What happened (one; more from the command line or the API)', value: event.what }),
    field({ name: 'event_severity', label: 'Its severity', options: SEVERITIES, value: event.severity || '' }),
    field({ name: 'event_action', label: 'Action taken', value: event.action }),
  ];
}

/* The form's values as the API's body: the empty ones left out. */
function body(values) {
  const out = registry.filled(values);
  for (const key of ['event_what', 'event_severity', 'event_action', 'started_at', 'ended_at']) delete out[key];
  if (values.event_what || values.event_severity || values.event_action)
    out.adverse_events = [{ what: values.event_what, severity: values.event_severity, action: values.event_action }];
  if (values.started_at) out.started_at = utc(values.started_at);
  if (values.ended_at) out.ended_at = utc(values.ended_at);
  return out;
}

export async function renderProcedures(context) {
  const list = dataTable({
    caption: 'Apheresis procedures', captionHidden: true, csvName: 'apheresis-procedures.csv', noun: 'procedures',
    empty: 'No procedure recorded.', url: true, load: apiLoader('/api/v1/apheresis-procedures'),
    columns: [
      { id: 'id', label: 'Procedure', header: true, value: (p) => p.id, cell: (p) => h('a', { href: `/apheresis-procedures/${p.id}` }, `Procedure ${p.id}`) },
      { id: 'patient', label: 'Patient', sortable: false, value: (p) => p.patient_name },
      { id: 'performed_on', label: 'Day', value: (p) => p.performed_on, cell: (p) => format.date(p.performed_on) },
      { id: 'type', label: 'Type', sortable: false, phone: false, value: (p) => p.procedure_type },
      { id: 'outcome', label: 'Outcome', sortable: false, value: (p) => p.outcome },
      { id: 'status', label: 'Status', value: (p) => p.status },
    ],
  });
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Apheresis procedures')),
    registry.notices().element,
    h('p', { class: 'muted' }, 'A procedure is recorded from its physician\u2019s order; opening a record is recorded in the audit trail.'),
    list.element);
  await list.ready;
}

/* A UTC instant as a datetime-local value on this device's clocks. */
function localInput(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export async function renderNewProcedure(context) {
  const bookingId = context.query.get('booking') || '';
  let booking = null;
  if (bookingId) {
    try {
      booking = await api.get(`/api/v1/apheresis-bookings/${encodeURIComponent(bookingId)}`);
    } catch (error) {
      if (error.status === 401 || !context.active()) throw error;
    }
    if (!context.active()) return;
  }
  const order = booking ? String(booking.order) : context.query.get('order') || '';
  const fields = [
    field({ name: 'order', label: 'Order number', required: true, value: order, inputmode: 'numeric' }),
    field({ name: 'booking', label: 'Booking number', value: booking ? String(booking.id) : bookingId, inputmode: 'numeric',
      hint: 'The booking it was performed under, if any: it is marked done.' }),
    field({ name: 'started_at', label: 'Started', type: 'datetime-local', required: true, hint: 'This device\u2019s local time.',
      value: booking ? localInput(booking.starts_at) : '' }),
    field({ name: 'ended_at', label: 'Ended', type: 'datetime-local', required: true, value: booking ? localInput(booking.ends_at) : '' }),
    field({ name: 'outcome', label: 'Outcome', required: true, options: [{ value: 'completed', label: 'Completed' }, { value: 'aborted', label: 'Aborted' }] }),
    field({ name: 'abort_reason', label: 'Why it was aborted', hint: 'Required for an aborted procedure.' }),
    field({ name: 'stat', label: 'Stat call-out', options: [{ value: 'false', label: 'No' }, { value: 'true', label: 'Yes' }] }),
    ...clinicalFields(booking ? { device_serial: booking.device } : {}),
  ];
  const recordForm = form({
    label: 'Record a procedure', submitLabel: 'Record the procedure', className: 'form form-bedside', fields,
    onSubmit: async (values) => {
      const b = body(values);
      b.stat = values.stat === 'true';
      const p = await api.post('/api/v1/apheresis-procedures', b, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Procedure ${p.id} is recorded: sign it when it is complete.`);
      context.navigate(`/apheresis-procedures/${p.id}`);
    },
  });
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/apheresis-procedures' }, 'Apheresis procedures'), ' \u203a ', 'Record'),
    h('h1', null, 'Record a procedure'),
    booking ? h('p', { class: 'muted', id: 'from-booking' }, `From booking ${booking.id}: ${booking.patient_name}, ${booking.procedure_label}, `
      + `${booking.start_local} to ${booking.end_local.slice(11)}, ${booking.nurse_name} on ${booking.device}.`) : null,
    recordForm.element);
}

const shown = (value, unit = '') => (value === null || value === undefined ? '\u2014' : `${typeof value === 'number' ? Math.round(value * 100) / 100 : value}${unit}`);

function comparisonTable(p) {
  return h('table', { class: 'data-table', id: 'prescribed-vs-delivered' },
    h('caption', null, 'Prescribed vs delivered'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, 'Prescribed'), h('th', { scope: 'col' }, 'Delivered'))),
    h('tbody', null, p.prescribed_vs_delivered.map((r) => h('tr', null, h('th', { scope: 'row' }, r.what),
      h('td', { class: 'numeric' }, shown(r.prescribed, ` ${r.unit}`)), h('td', { class: 'numeric' }, shown(r.delivered, ` ${r.unit}`))))));
}

function amendmentsTable(p) {
  return dataTable({
    caption: 'Amendments', captionHidden: true, csvName: `procedure-${p.id}-amendments.csv`, noun: 'amendments',
    empty: 'No amendment.', rows: p.amendments,
    columns: [
      { id: 'amended_at', label: 'When', header: true, value: (a) => a.amended_at, cell: (a) => format.timestamp(a.amended_at) },
      { id: 'amended_by', label: 'By', value: (a) => a.amended_by },
      { id: 'reason', label: 'Reason', value: (a) => a.reason },
      { id: 'changed', label: 'Changed', sortable: false, value: (a) => a.changed.map((k) => `${k}: ${JSON.stringify(a.before[k])} \u2192 ${JSON.stringify(a.after[k])}`).join('; ') },
    ],
  });
}

/* What signing made: the price, the invoice and the journal entry, each a
 * link for those who may open it (billing; the ledger, read with reports). */
function billing(p) {
  if (p.status !== 'signed') return [];
  const surcharges = p.surcharges.length ? ` (with ${p.surcharges.map((x) => `${x.kind.replace('_', ' ')} ${format.money(x.amount, { cents: true })}`).join(', ')})` : '';
  return [['Price', `${format.money(p.price, { cents: true })}${surcharges}; cost ${format.money(p.cost, { cents: true })}`],
    ['Invoice', session.can('billing') ? h('a', { href: `/invoices/${p.invoice}` }, `Invoice ${p.invoice}`) : `Invoice ${p.invoice}`],
    ['Journal entry', session.can('reports') ? h('a', { href: `/journal/${p.journal_entry}` }, `Entry ${p.journal_entry}`) : `Entry ${p.journal_entry}`]];
}

export async function renderProcedure(context) {
  const p = await registry.loadRecord(context, {
    path: '/api/v1/apheresis-procedures', noun: 'apheresis procedure', param: 'id', keyName: 'id', title: (r) => `Apheresis procedure ${r.id}`,
    back: ['/apheresis-procedures', 'Back to the procedures'],
  });
  if (!p) return;
  const writes = session.can('apheresis.write');
  const signed = p.status === 'signed';
  const sign = writes && !signed && p.nurse === session.current()?.username ? confirmedForm({
    label: 'Sign the record', submitLabel: 'Sign\u2026',
    fields: [field({ name: 'password', label: 'Your password', type: 'password', required: true, autocomplete: 'current-password' })],
    confirm: () => ({ title: `Sign procedure ${p.id}?`, text: 'A signed record is frozen and billed to the hospital; it changes only by an amendment.', confirmLabel: 'Sign it' }),
    onConfirm: async (values) => {
      await api.post(`/api/v1/apheresis-procedures/${p.id}/sign`, { password: values.password }, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Procedure ${p.id} is signed.`);
      context.navigate(`/apheresis-procedures/${p.id}`, { replace: true });
    },
  }) : null;
  const amend = writes && signed ? registry.disclosure('Amend the record', () => form({
    label: 'Amend the record', submitLabel: 'Amend', className: 'form form-bedside',
    fields: [field({ name: 'reason', label: 'Reason for the amendment', required: true }), ...clinicalFields(p)],
    onSubmit: async (values) => {
      const b = body(values);
      const changes = {};
      for (const [key, value] of Object.entries(b)) {
        const before = key.startsWith('before_') || key.startsWith('after_')
          ? (p[`vitals_${key.split('_')[0]}`] || {})[key.slice(key.indexOf('_') + 1)] : p[key];
        if (key === 'reason' || JSON.stringify(value) !== JSON.stringify(before) && String(value) !== String(before)) changes[key] = value;
      }
      await api.patch(`/api/v1/apheresis-procedures/${p.id}`, changes);
      registry.flash(`Procedure ${p.id} is amended.`);
      context.navigate(`/apheresis-procedures/${p.id}`, { replace: true });
    },
  }).element) : null;
  const vitals = (v) => VITALS.filter(([key]) => v[key] !== undefined).map(([key, label]) => `${label.replace(/ \(.*\)/, '')} ${v[key]}`).join(', ') || '\u2014';
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/apheresis-procedures' }, 'Apheresis procedures'), ' \u203a ', `Procedure ${p.id}`),
    h('h1', null, `Procedure ${p.id}: ${p.patient_name}`),
    registry.notices().element,
    h('section', { class: 'panel', 'aria-labelledby': 'procedure-details' }, h('h2', { id: 'procedure-details' }, 'Record'),
      registry.details([['Order', h('a', { href: `/apheresis-orders/${p.order}` }, `Order ${p.order} (${p.procedure_type})`)],
        ['Booking', p.booking ? h('a', { href: `/apheresis-bookings/${p.booking}` }, `Booking ${p.booking}`) : 'None'],
        ['Patient', `${p.patient_name} (MRN ${p.mrn}, ${p.hospital})`],
        ['Performed', `${format.timestamp(p.started_at)} to ${format.timestamp(p.ended_at)}`], ['Nurse', p.nurse],
        ['Device, kit', `${p.device_serial}, ${p.kit_lot}`], ['Vitals before', vitals(p.vitals_before)], ['Vitals after', vitals(p.vitals_after)],
        ['Fluids', `${p.albumin_vials} albumin vials, ${p.plasma_units} plasma units, ${p.saline_ml} mL saline`],
        ['Anticoagulant', `${p.anticoagulant_ml} mL${p.ratio ? `, 1:${p.ratio}` : ''}; calcium ${p.calcium_mg} mg`],
        ['Adverse events', p.adverse_events.map((e) => `${e.what} (${e.severity}): ${e.action}`).join('; ') || 'None'],
        ['Outcome', p.abort_reason ? `${p.outcome}: ${p.abort_reason}` : p.outcome],
        ['Status', signed ? `signed by ${p.signed_by} at ${format.timestamp(p.signed_at)}` : 'draft, not signed'],
        ...billing(p)]),
      sign, amend ? amend.element : null),
    h('section', { class: 'panel', 'aria-labelledby': 'procedure-compared' }, h('h2', { id: 'procedure-compared' }, 'Prescribed vs delivered'), comparisonTable(p)),
    h('section', { class: 'panel', 'aria-labelledby': 'procedure-amendments' }, h('h2', { id: 'procedure-amendments' }, 'Amendments'), amendmentsTable(p).element));
}
