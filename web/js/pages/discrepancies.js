// pages/discrepancies.js - ABO/RhD discrepancies (docs/testing.md, "ABO/RhD
// discrepancies"): the open items (/discrepancies: a server list,
// data_table.js, unresolved by default, the oldest first, sorted by any
// column, filtered by status, the donation's center and the days opened
// there, kept in the URL, exported as CSV), and one discrepancy
// (/discrepancies/:id): the
// donor's group and the donation's typing, the donation's units held for
// it, and its resolution, one step at a time: the confirmatory typing
// recorded under a signature (saying whether the donor's group on record
// is wrong, the only way it changes), then the units released under a
// signature or discarded with the reason. Each refusal is shown beside the
// field the server names. Times are on the clock of the donation's center
// (the answer's time_zone), the zone named.

import * as api from '../api.js';
import { dataTable, apiLoader } from '../data_table.js';
import { h, replace } from '../dom.js';
import { confirmedForm, field, form } from '../forms.js';
import * as chain from '../chain.js';
import * as laboratory from '../laboratory.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/discrepancies', render, title: 'ABO/RhD discrepancies', capability: 'testing',
    nav: { area: 'laboratory', order: 15, label: 'Discrepancies', description: 'Donations typed otherwise than their donor: confirm, then release or discard.' } },
  { pattern: '/discrepancies/:id', render: renderOne, title: 'ABO/RhD discrepancy', capability: 'testing' },
];

const API = '/api/v1/typing-discrepancies';

const STATUS = {
  open: { label: 'Open: confirmation needed', className: 'badge-deferred' },
  confirmed: { label: 'Confirmed: release or discard', className: 'badge-pending' },
  released: { label: 'Released', className: 'badge-open' },
  discarded: { label: 'Discarded', className: 'badge-closed' },
};

function statusBadge(status) {
  const s = STATUS[status] || { label: status, className: 'badge-closed' };
  return h('span', { class: `badge ${s.className}` }, s.label);
}

/* The statuses the list filters by, as the API takes them. */
const STATUS_FILTERS = [
  { value: 'unresolved', label: 'Unresolved' },
  { value: 'open', label: STATUS.open.label },
  { value: 'confirmed', label: STATUS.confirmed.label },
  { value: 'resolved', label: 'Resolved' },
  { value: 'released', label: STATUS.released.label },
  { value: 'discarded', label: STATUS.discarded.label },
];

export async function render(context) {
  const centers = await chain.centerOptions('Every center', { all: true });
  if (!context.active()) return;
  // Unresolved by default, the oldest first: the laboratory resolves them
  // in the order they came. "Every status" is the API's "all".
  const load = apiLoader(API);
  const list = dataTable({
    caption: 'ABO/RhD discrepancies',
    csvName: 'discrepancies.csv',
    noun: 'discrepancies',
    empty: 'No ABO/RhD discrepancy matches these filters.',
    url: true,
    pageSize: 50,
    sort: [{ id: 'opened_at', desc: false }],
    load: (query) => load({ ...query, filters: { ...query.filters, status: query.filters.status || 'all' } }),
    filterValues: { status: 'unresolved' },
    filters: [
      { id: 'status', label: 'Status', type: 'select', all: 'Every status', options: STATUS_FILTERS },
      { id: 'center', label: 'Center', type: 'select', all: 'Every center', options: centers.filter((o) => o.value) },
      { id: 'from', label: 'Opened from', type: 'date' },
      { id: 'to', label: 'Opened to', type: 'date' },
    ],
    columns: [
      { id: 'id', label: 'Discrepancy', value: (d) => d.id, numeric: true, header: true,
        cell: (d) => h('a', { href: `/discrepancies/${encodeURIComponent(d.id)}` }, `Discrepancy ${d.id}`) },
      { id: 'din', label: 'DIN', value: (d) => chain.dinText(d) },
      { id: 'donor_number', label: 'Donor', value: (d) => d.donor_number, phone: false },
      { id: 'donor_group', label: 'Donor on record', value: (d) => d.donor_group },
      { id: 'donation_group', label: 'Donation typed', value: (d) => d.donation_group },
      { id: 'center', label: 'Center', value: (d) => d.center, phone: false },
      { id: 'opened_at', label: 'Opened', value: (d) => d.opened_at, cell: (d) => chain.when(d.opened_at, d.time_zone) },
      { id: 'status', label: 'Status', value: (d) => (STATUS[d.status] || { label: d.status }).label, cell: (d) => statusBadge(d.status) },
    ],
    // A refusal naming a filter is told under it; any other in place of the table.
    onError: () => !context.active(),
  });
  replace(context.main,
    h('h1', null, 'ABO/RhD discrepancies'),
    h('p', { class: 'muted' }, 'A donation typed otherwise than the donor’s established group holds its units until the discrepancy is resolved: a confirmatory typing, signed, then the units released or discarded. Times are on the clock of the donation’s center.'),
    h('section', { class: 'list', 'aria-label': 'discrepancies list' }, list.element));
  await list.ready;
}

/* --- one discrepancy ------------------------------------------------------- */

function after(context, text) {
  registry.flash(text);
  context.navigate(location.pathname, { replace: true });
}

function confirmForm(context, record) {
  const abo = field({ name: 'abo', label: 'ABO group', required: true, options: ['', 'O', 'A', 'B', 'AB'].map((v) => ({ value: v, label: v || 'Choose…' })) });
  const rhd = field({ name: 'rhd', label: 'RhD type', required: true, options: [['', 'Choose…'], ['POS', 'POS (positive)'], ['NEG', 'NEG (negative)']].map(([value, label]) => ({ value, label })) });
  const update = field({
    name: 'update_donor_group',
    label: 'The donor’s group on record',
    checkboxes: [{ value: 'yes', label: `is wrong: set it to the confirmed group (now ${record.donor_group_now})` }],
    hint: 'Only a confirmatory typing that says so changes the donor’s established group.',
  });
  const signature = laboratory.signatureFields();
  return form({
    label: 'Record the confirmatory typing',
    submitLabel: 'Sign the confirmation',
    fields: [abo, rhd, update, ...signature],
    onSubmit: async (v) => {
      try {
        await api.post(`${API}/${encodeURIComponent(record.id)}/confirmation`, {
          abo: v.abo, rhd: v.rhd, update_donor_group: v.update_donor_group.includes('yes'),
          username: v.username.trim(), password: v.password,
        }, { quiet401: true });
      } finally {
        signature[1].input.value = '';
      }
      after(context, `The confirmatory typing ${v.abo} ${v.rhd} is recorded.`);
    },
  }).element;
}

function releaseForm(context, record) {
  const signature = laboratory.signatureFields();
  return form({
    label: 'Release the units',
    submitLabel: 'Sign and release',
    fields: signature,
    onSubmit: async (v) => {
      try {
        await api.post(`${API}/${encodeURIComponent(record.id)}/release`, { username: v.username.trim(), password: v.password }, { quiet401: true });
      } finally {
        signature[1].input.value = '';
      }
      after(context, `Discrepancy ${record.id} is resolved: the units are released.`);
    },
  }).element;
}

function discardForm(context, record) {
  return confirmedForm({
    label: 'Discard the units',
    submitLabel: 'Discard the units',
    fields: [field({ name: 'reason', label: 'Reason', required: true, maxlength: '500', hint: 'Recorded with each unit and in the audit trail.' })],
    confirm: (v) => ({
      title: `Discard the units of ${chain.dinText(record)}?`,
      text: `Every unit of the donation still on the shelves will be discarded for “${v.reason.trim()}”. A discarded unit is never used.`,
      confirmLabel: 'Yes, discard the units',
    }),
    onConfirm: async (v) => {
      await api.post(`${API}/${encodeURIComponent(record.id)}/discard`, { reason: v.reason.trim() });
      after(context, `Discrepancy ${record.id} is resolved: the units are discarded.`);
    },
  });
}

function stepsSection(context, record) {
  const canTest = session.can('testing');
  const canRelease = session.can('release.sign');
  if (record.status === 'released' || record.status === 'discarded') return null;
  const blocks = [];
  if (record.status === 'open' && canTest)
    blocks.push(h('div', { class: 'step' }, h('h3', null, '1. Confirmatory typing'),
      h('p', { class: 'muted' }, 'Type the donation again and record what the confirmation found, with your electronic signature.'),
      confirmForm(context, record)));
  if (record.status === 'confirmed' && canRelease)
    blocks.push(h('div', { class: 'step' }, h('h3', null, '2. Release the units'),
      h('p', { class: 'muted' }, `Allowed when the confirmation (${record.confirmation.group}) is the donation’s typing (${record.donation_group_now}) and the donor’s group (${record.donor_group_now}) agrees with it; the units are then released as from the release queue, if nothing else holds them.`),
      releaseForm(context, record)));
  if (canTest)
    blocks.push(h('div', { class: 'step' }, h('h3', null, record.status === 'open' ? 'Or discard the units' : '2. Or discard the units'),
      discardForm(context, record)));
  return h('section', { class: 'panel', 'aria-labelledby': 'resolve-title' }, h('h2', { id: 'resolve-title' }, 'Resolve'), blocks);
}

export async function renderOne(context) {
  await chain.reference();
  if (!context.active()) return;
  const record = await registry.loadRecord(context, {
    path: API,
    noun: 'ABO/RhD discrepancy',
    param: 'id',
    keyName: 'number',
    title: (r) => `ABO/RhD discrepancy ${r.id}`,
    back: ['/discrepancies', 'Back to the discrepancies'],
  });
  if (!record) return;
  const notices = registry.notices();
  const c = record.confirmation;
  const r = record.resolution;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/discrepancies' }, 'ABO/RhD discrepancies'), ' › ', `Discrepancy ${record.id}`),
    h('div', { class: 'page-head' }, h('h1', null, `ABO/RhD discrepancy ${record.id}`), statusBadge(record.status)),
    notices.element,
    h('section', { class: 'panel', 'aria-labelledby': 'discrepancy-title' },
      h('h2', { id: 'discrepancy-title' }, 'What was found'),
      registry.details([
        ['DIN', h('a', { href: `/units/lookup${api.query({ din: record.din })}` }, chain.dinText(record))],
        ['Donor', session.can('donors') ? h('a', { href: `/donors/${encodeURIComponent(record.donor_number)}` }, record.donor_number) : record.donor_number],
        ['Donor’s group on record then', record.donor_group],
        ['Donation typed', record.donation_group],
        ['Donor’s group now', record.donor_group_now],
        ['Donation’s typing now', record.donation_group_now],
        ['Center', record.center],
        ['Opened', `${chain.when(record.opened_at, record.time_zone)} by ${record.opened_by}`],
        ['Confirmatory typing', c ? `${c.group}, signed by ${c.confirmed_by} at ${chain.when(c.confirmed_at, record.time_zone)}${c.donor_updated ? ' (the donor’s group was set to it)' : ''}` : 'not recorded yet'],
        ['Resolution', r ? `${r.outcome} by ${r.resolved_by} at ${chain.when(r.resolved_at, record.time_zone)}${r.reason ? `: ${r.reason}` : ''}` : 'not resolved yet'],
      ]),
      h('p', null, h('a', { href: `/results/${encodeURIComponent(record.din)}` }, 'The donation’s test results and their amendments'))),
    h('section', { class: 'panel', 'aria-labelledby': 'units-title' },
      h('h2', { id: 'units-title' }, 'Units'),
      laboratory.unitStates(record.units, 'Units of the donation')),
    stepsSection(context, record));
}
