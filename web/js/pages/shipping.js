// pages/shipping.js - what left and what came back (docs/distribution.md,
// "Shipments", "Returns"): one shipment (/shipments/ID) with its units,
// prices, invoice and posting, and its packing list as a printable page or
// a PDF; recording a return (/returns/new: the DIN scanned, the day, the
// temperature on receipt, the seal, the minutes out of controlled storage)
// and the return as recorded (/returns/ID): back on the shelf or discarded,
// why, and the credit.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { dataTable } from '../data_table.js';
import { field, form } from '../forms.js';
import * as chain from '../chain.js';
import * as format from '../format.js';
import * as registry from '../registry.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/shipments/:id', render: renderShipment, title: 'Shipment', capability: 'orders' },
  { pattern: '/returns/new', render: renderReturn, title: 'Record a return', capability: 'orders.write',
    nav: { area: 'distribution', order: 50, label: 'Returns', description: 'A unit returned by a hospital, judged by its cold chain and credited.' } },
  { pattern: '/returns/:id', render: renderReturnOne, title: 'Return', capability: 'orders' },
];

const money = (text) => format.money(text, { cents: true });

export async function renderShipment(context) {
  const s = await registry.loadRecord(context, {
    path: '/api/v1/shipments', noun: 'shipment', param: 'id', keyName: 'id', title: (x) => `Shipment ${x.id}`, back: ['/orders', 'Back to the orders'],
  });
  if (!s) return;
  const list = `/api/v1/shipments/${s.id}/packing-list`;
  const units = dataTable({
    caption: 'Units shipped', captionHidden: true, csvName: `shipment-${s.id}.csv`, noun: 'units',
    rows: s.units,
    columns: [
      { id: 'din', label: 'DIN', header: true, value: (u) => u.eye_readable, cell: (u) => chain.dinText(u) },
      { id: 'product_code', label: 'Product', value: (u) => u.product_code },
      { id: 'group', label: 'ABO/RhD', value: (u) => u.group },
      { id: 'center', label: 'Center', phone: false, value: (u) => u.center },
      { id: 'price', label: 'Price', numeric: true, value: (u) => format.cents(u.price), cell: (u) => money(u.price), csv: (u) => u.price },
    ],
  });
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: `/orders/${s.order}` }, `Order ${s.order}`), ' › ', `Shipment ${s.id}`),
    h('h1', null, `Shipment ${s.id} to ${s.hospital_name}`),
    registry.notices().element,
    h('section', { class: 'panel', 'aria-labelledby': 'shipment-details' }, h('h2', { id: 'shipment-details' }, 'Details'),
      registry.details([['Hospital', `${s.hospital} ${s.hospital_name}`], ['Order', h('a', { href: `/orders/${s.order}` }, `Order ${s.order} (${s.order_status})`)],
        ['Shipped', format.date(s.ship_date)], ['Shipper', s.shipper], ['Packed at', `${s.temperature} \u00b0C`],
        ['Priced by', h('a', { href: `/contracts/${s.contract}` }, 'the contract version in force that day')],
        ['Total', money(s.total)], ['Invoice', h('a', { href: `/invoices/${s.invoice}` }, `Invoice ${s.invoice} (draft until issued)`)],
        s.journal_entry ? ['Posting', h('a', { href: `/journal/${s.journal_entry}` }, `Journal entry ${s.journal_entry}`)] : null]),
      h('p', { class: 'button-row' },
        h('a', { class: 'button-secondary', href: `${list}?format=html`, target: '_blank', rel: 'noopener' }, 'Open the packing list', h('span', { class: 'visually-hidden' }, ' (opens in a new tab)')),
        ' ',
        h('a', { class: 'button-secondary', href: `${list}?format=pdf`, target: '_blank', rel: 'noopener' }, 'Packing list as PDF'))),
    h('section', { class: 'panel', 'aria-labelledby': 'shipment-units' }, h('h2', { id: 'shipment-units' }, 'Units'), units.element));
}

export async function renderReturn(context) {
  const din = chain.dinField({ name: 'din', label: 'DIN', required: true, onEnter: (input) => chain.focusNext(input) });
  const returnForm = form({
    label: 'Record a return',
    submitLabel: 'Record the return',
    className: 'form form-phone',
    fields: [
      din,
      field({ name: 'hospital', label: 'Returned by (hospital)', autocapitalize: 'characters', size: '12', hint: 'Its code; empty: the hospital the unit was shipped to.' }),
      field({ name: 'date', label: 'Returned on', type: 'date', required: true, value: format.today() }),
      field({ name: 'temperature', label: 'Temperature on receipt (\u00b0C)', required: true, inputmode: 'decimal', size: '6' }),
      field({ name: 'seal', label: 'Seal', options: [{ value: 'intact', label: 'Intact' }, { value: 'broken', label: 'Broken' }] }),
      field({ name: 'minutes_out', label: 'Minutes out of controlled storage', type: 'number', min: '0', step: '1', inputmode: 'numeric', required: true, value: '0' }),
    ],
    onSubmit: async (values) => {
      const body = registry.filled(values);
      if (body.hospital) body.hospital = body.hospital.toUpperCase();
      const r = await api.post('/api/v1/returns', body, { idempotencyKey: api.idempotencyKey() });
      registry.flash(r.outcome === 'released' ? `The unit is back on the shelf; credited ${money(r.credit)}.` : `The unit is discarded: ${r.reason}.`);
      context.navigate(`/returns/${r.id}`);
    },
  });
  const limits = await api.get('/api/v1/return-limits');
  if (!context.active()) return;
  const limitsTable = dataTable({
    caption: 'Cold-chain limits', csvName: 'return-limits.csv', noun: 'families',
    rows: limits.limits,
    columns: [
      { id: 'family', label: 'Family', header: true, value: (l) => l.family },
      { id: 'range', label: 'Temperature on receipt', value: (l) => `${l.min_temperature} to ${l.max_temperature} \u00b0C` },
      { id: 'minutes', label: 'Minutes out at most', value: (l) => (l.max_minutes_out === null ? 'no limit' : String(l.max_minutes_out)) },
    ],
  });
  replace(context.main, h('h1', null, 'Record a return'),
    h('p', { class: 'muted' }, 'A unit goes back on the shelf only when its seal is intact and its temperature and time out stayed within its family\u2019s limits; otherwise it is discarded. The contract\u2019s return policy decides the credit.'),
    returnForm.element, limitsTable.element);
}

export async function renderReturnOne(context) {
  const r = await registry.loadRecord(context, {
    path: '/api/v1/returns', noun: 'return', param: 'id', keyName: 'id', title: (x) => `Return ${x.id}`, back: ['/returns/new', 'Record a return'],
  });
  if (!r) return;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/returns/new' }, 'Returns'), ' › ', `Return ${r.id}`),
    h('h1', null, `Return ${r.id}: ${r.outcome === 'released' ? 'back on the shelf' : 'discarded'}`),
    registry.notices().element,
    h('section', { class: 'panel', 'aria-labelledby': 'return-details' }, h('h2', { id: 'return-details' }, 'Details'),
      registry.details([['DIN', chain.dinText(r)], ['Product', r.product_code], ['Returned by', r.hospital],
        ['Shipment', h('a', { href: `/shipments/${r.shipment}` }, `Shipment ${r.shipment} of ${format.date(r.ship_date)}`)],
        ['Returned on', format.date(r.return_date)], ['Temperature on receipt', `${r.temperature} \u00b0C`], ['Seal', r.seal],
        ['Minutes out', String(r.minutes_out)], ['Cold chain', r.cold_chain_kept ? 'kept' : 'broken'], ['Why', r.reason],
        ['Credit', money(r.credit)], ['Unit', h('a', { href: `/units/${r.unit}` }, `Unit ${r.unit}`)]])));
}
