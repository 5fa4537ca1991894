// pages/discrepancies.js - ABO/RhD discrepancies (docs/testing.md, "ABO/RhD
// discrepancies"): the open items (/discrepancies: unresolved by default,
// or resolved, or all), and one discrepancy (/discrepancies/:id): the
// donor's group and the donation's typing, the donation's units held for
// it, and its resolution, one step at a time: the confirmatory typing
// recorded under a signature (saying whether the donor's group on record
// is wrong, the only way it changes), then the units released under a
// signature or discarded with the reason. Each refusal is shown beside the
// field the server names.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { confirmedForm, field, form } from '../forms.js';
import * as format from '../format.js';
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

export async function render(context) {
  const status = context.query.get('status') || 'unresolved';
  const select = h('select', { id: 'discrepancy-status', name: 'status' },
    [['unresolved', 'Unresolved'], ['resolved', 'Resolved'], ['all', 'All']].map(([value, label]) => h('option', { value }, label)));
  select.value = status;
  const filter = h('form', {
    class: 'toolbar-form search-form', role: 'search', 'aria-label': 'Filter the discrepancies',
    onSubmit: (event) => {
      event.preventDefault();
      context.navigate(`/discrepancies${api.query({ status: select.value })}`);
    },
  }, h('div', { class: 'inline-field' }, h('label', { for: 'discrepancy-status' }, 'Discrepancies'), select),
  h('button', { type: 'submit', class: 'button-secondary' }, 'Show'));
  const list = registry.pagedTable({
    context,
    path: API,
    params: { status },
    nounPlural: 'discrepancies',
    limit: 50,
    empty: status === 'unresolved' ? 'No ABO/RhD discrepancy is waiting to be resolved.' : 'No discrepancy matches.',
    columns: [
      { label: 'Discrepancy', value: (d) => h('a', { href: `/discrepancies/${encodeURIComponent(d.id)}` }, `Discrepancy ${d.id}`), header: true },
      { label: 'DIN', value: (d) => chain.dinText(d) },
      { label: 'Donor', value: (d) => d.donor_number },
      { label: 'Donor on record', value: (d) => d.donor_group },
      { label: 'Donation typed', value: (d) => d.donation_group },
      { label: 'Opened', value: (d) => format.timestamp(d.opened_at) },
      { label: 'Status', value: (d) => statusBadge(d.status) },
    ],
  });
  replace(context.main,
    h('h1', null, 'ABO/RhD discrepancies'),
    h('p', { class: 'muted' }, 'A donation typed otherwise than the donor’s established group holds its units until the discrepancy is resolved: a confirmatory typing, signed, then the units released or discarded.'),
    filter,
    list.element);
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
        ['Opened', `${format.timestamp(record.opened_at)} by ${record.opened_by}`],
        ['Confirmatory typing', c ? `${c.group}, signed by ${c.confirmed_by} at ${format.timestamp(c.confirmed_at)}${c.donor_updated ? ' (the donor’s group was set to it)' : ''}` : 'not recorded yet'],
        ['Resolution', r ? `${r.outcome} by ${r.resolved_by} at ${format.timestamp(r.resolved_at)}${r.reason ? `: ${r.reason}` : ''}` : 'not resolved yet'],
      ]),
      h('p', null, h('a', { href: `/results/${encodeURIComponent(record.din)}` }, 'The donation’s test results and their amendments'))),
    h('section', { class: 'panel', 'aria-labelledby': 'units-title' },
      h('h2', { id: 'units-title' }, 'Units'),
      laboratory.unitStates(record.units, 'Units of the donation')),
    stepsSection(context, record));
}
