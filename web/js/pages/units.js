// pages/units.js - unit lookup (/units/lookup?din=...): one field for a
// scanned or typed DIN (a keyboard-wedge scanner ends with Enter, which
// looks the DIN up), then the donation: its donor, center and procedure,
// every unit made from it with its status, hold and expiry (and, on
// demand, the unit's history and, for a unit shipped, the hospital, day and
// shipment it went with), and the test results. A unit expiring today
// or tomorrow is highlighted and says so. Admin, lab and donor-center staff
// may discard a unit, with a reason and a confirmation.

import * as api from '../api.js';
import { h, message, replace } from '../dom.js';
import { dataTable } from '../data_table.js';
import { confirmedForm, field } from '../forms.js';
import * as format from '../format.js';
import * as chain from '../chain.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/units/lookup', render, title: 'Unit lookup', capability: 'units',
    nav: { area: 'donors', order: 40, label: 'Unit lookup', description: 'Scan or type a DIN: its units, statuses, holds and test results.' } },
];

function lookupForm(context, value, refused) {
  const din = chain.dinField({
    label: 'DIN',
    value,
    hint: 'Scan the bar code or type the DIN (with its check character), then Enter.',
    onEnter: (input) => input.form.requestSubmit(),
  });
  // The field keeps the focus, its text selected: the next scan replaces it.
  din.input.dataset.autofocus = 'true';
  din.input.addEventListener('focus', () => din.input.select());
  if (refused) din.setError(refused.message);
  const element = h('form', {
    class: 'toolbar-form lookup-form',
    role: 'search',
    'aria-label': 'Look up a DIN',
    novalidate: true,
    onSubmit: (event) => {
      event.preventDefault();
      const text = chain.cleanDin(din.input.value);
      if (!text) {
        din.setError('Scan or type a DIN.');
        din.focus();
        return;
      }
      context.navigate(`/units/lookup${api.query({ din: text })}`);
    },
  }, din.element, h('button', { type: 'submit', class: 'button-primary' }, 'Look up'));
  return { element, din };
}

function testsTable(din, tests) {
  if (!tests || !tests.length) return h('p', { class: 'empty' }, 'No test results yet.');
  return dataTable({
    caption: 'Test results',
    csvName: `tests-${din}.csv`,
    rows: tests,
    columns: [
      { id: 'test', label: 'Test', value: (t) => t.test, header: true },
      { id: 'result', label: 'Result', value: (t) => t.result, cell: (t) => h('span', { class: /^(reactive|positive)$/i.test(t.result) ? 'result-bad' : null }, t.result) },
      { id: 'tested_on', label: 'Tested on', value: (t) => t.tested_on, cell: (t) => chain.day(t.tested_on) },
    ],
  }).element;
}

function historyTable(unit) {
  const events = unit.events || [];
  if (!events.length) return h('p', { class: 'empty' }, 'No changes recorded.');
  return dataTable({
    caption: `History of unit ${unit.product_code} ${unit.division || ''}`.trim(),
    csvName: `unit-${unit.id}-history.csv`,
    rows: events,
    columns: [
      { id: 'at', label: 'When', value: (e) => e.at, cell: (e) => format.dateTime(e.at, unit.time_zone), header: true },
      { id: 'from', label: 'From', value: (e) => (e.from_status ? chain.statusLabel(e.from_status) : '—') },
      { id: 'to', label: 'To', value: (e) => chain.statusLabel(e.to_status) },
      { id: 'reason', label: 'Reason', value: (e) => e.reason || '—' },
      { id: 'actor', label: 'By', value: (e) => e.actor || '—', phone: false },
    ],
  }).element;
}

function discardForm(context, unit) {
  return confirmedForm({
    label: `Discard unit ${unit.product_code} ${unit.division || ''}`.trim(),
    submitLabel: 'Discard this unit',
    fields: [field({ name: 'reason', label: 'Reason', required: true, hint: 'Recorded with the unit and in the audit trail.', maxlength: '500' })],
    confirm: (values) => ({
      title: `Discard ${unit.product_code} ${unit.division || ''}?`,
      text: `The unit will be discarded for the reason “${values.reason.trim()}”. A discarded unit can never be used again.`,
      confirmLabel: 'Yes, discard the unit',
    }),
    onConfirm: async (values) => {
      await api.post(`/api/v1/units/${encodeURIComponent(unit.id)}/discard`, { reason: values.reason.trim() });
      registry.flash(`Unit ${unit.product_code} ${unit.division || ''} is discarded.`);
      context.navigate(location.pathname + location.search, { replace: true });
    },
  });
}

// A unit's printable ISBT 128 label (GET /api/v1/units/{id}/label): only
// for a typed unit still usable; the server refuses the others anyway.
function labelLinks(unit) {
  if (!unit.abo || !unit.rhd || ['discarded', 'expired'].includes(unit.status)) return null;
  const base = `/api/v1/units/${encodeURIComponent(unit.id)}/label`;
  const name = `${unit.product_code} ${unit.division || ''}`.trim();
  return h('p', { class: 'unit-label' }, 'Label: ',
    h('a', { href: `${base}?format=pdf`, target: '_blank', rel: 'noopener', 'aria-label': `Label of ${name} as PDF` }, 'PDF'),
    ' · ',
    h('a', { href: `${base}?format=svg`, target: '_blank', rel: 'noopener', 'aria-label': `Label of ${name} as SVG` }, 'SVG'));
}

function unitsSection(context, donation) {
  const units = donation.units || [];
  const slot = h('div', { class: 'unit-detail', 'aria-live': 'polite' });
  const canDiscard = session.can('units.discard');
  const FINAL = ['discarded', 'expired', 'transfused_reported', 'shipped'];
  const show = async (unit) => {
    replace(slot, h('p', { class: 'loading' }, 'Loading the unit’s history…'));
    try {
      const full = await api.get(`/api/v1/units/${encodeURIComponent(unit.id)}`);
      if (!context.active()) return;
      replace(slot,
        h('h3', null, `History of unit ${unit.product_code} ${unit.division || ''}`.trim()),
        full.shipment ? h('p', { class: 'unit-shipped' }, `Shipped to ${full.shipment.hospital} on ${format.date(full.shipment.date)}, `,
          session.can('orders') ? h('a', { href: `/shipments/${full.shipment.id}` }, `shipment ${full.shipment.id}`) : `shipment ${full.shipment.id}`, '.') : null,
        labelLinks(full),
        historyTable(full),
        canDiscard && !FINAL.includes(full.status)
          ? h('div', { class: 'discard' }, h('h3', null, 'Discard this unit'), discardForm(context, full))
          : null);
    } catch (error) {
      if (context.active()) replace(slot, message('error', error.message));
    }
  };
  return h('section', { class: 'panel', 'aria-labelledby': 'units-title' },
    h('h2', { id: 'units-title' }, 'Units'),
    units.length
      ? chain.unitsTable(units, {
        caption: 'Units of this donation',
        captionHidden: true,
        csvName: `units-${donation.din}.csv`,
        zone: donation.time_zone,
        extra: [{
          id: 'details',
          label: 'Details',
          value: () => '',
          sortable: false,
          csv: false,
          cell: (u) => h('button', {
            type: 'button', class: 'button-secondary button-small',
            'aria-label': `History of ${u.product_code} ${u.division || ''}`.trim(),
            onClick: () => show(u),
          }, 'History'),
        }],
      })
      : h('p', { class: 'empty' }, 'Not processed yet: no units.'),
    slot);
}

export async function render(context) {
  // The names of procedures, families and statuses (GET /api/v1/reference).
  await chain.reference();
  if (!context.active()) return;
  const din = context.query.get('din') || '';
  const notices = registry.notices();
  const result = h('div', { class: 'lookup-result' });
  const lookup = lookupForm(context, din, null);
  replace(context.main,
    h('h1', null, 'Unit lookup'),
    notices.element,
    lookup.element,
    result);
  if (!din) return;
  let donation;
  try {
    donation = await api.get(`/api/v1/donations/${encodeURIComponent(din)}`);
  } catch (error) {
    if (!context.active()) return;
    if (error.status === 404 || error.status === 400) {
      lookup.din.setError(error.status === 404 && !error.field ? `No donation has the DIN ${din}.` : error.message);
      lookup.din.focus();
      return;
    }
    throw error;
  }
  if (!context.active()) return;
  context.setTitle(`Unit lookup ${chain.dinText(donation)}`);
  replace(result,
    h('section', { class: 'panel', 'aria-labelledby': 'donation-title' },
      h('h2', { id: 'donation-title' }, 'Donation ', h('span', { class: 'din-eye-readable' }, chain.dinText(donation))),
      registry.details([
        ['Donor', donation.donor_number ? (session.can('donors') ? h('a', { href: `/donors/${encodeURIComponent(donation.donor_number)}` }, donation.donor_number) : donation.donor_number) : null],
        ['Center', donation.center],
        ['Procedure', chain.procedureLabel(donation.procedure)],
        ['Collected', chain.when(donation.collected_at, donation.time_zone)],
        ['Processed', donation.processed ? 'yes' : 'not yet'],
        session.can('collections') ? ['Collection record', h('a', { href: `/collections/${encodeURIComponent(donation.din)}` }, 'Open the collection')] : null,
      ])),
    unitsSection(context, donation),
    h('section', { class: 'panel', 'aria-labelledby': 'tests-title' },
      h('h2', { id: 'tests-title' }, 'Test results'),
      testsTable(donation.din, donation.tests),
      session.can('testing') && donation.tests && donation.tests.length
        ? h('p', null, h('a', { href: `/results/${encodeURIComponent(donation.din)}` }, 'Amendments of these results, or amend one'))
        : null));
}
