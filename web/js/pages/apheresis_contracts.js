// pages/apheresis_contracts.js - hospitals' apheresis contracts and the
// standard costs (docs/apheresis.md, "Apheresis contracts and standard
// costs"), on the pattern of the supply contracts (pages/contracts.js):
// /apheresis-contracts lists the contracts with their days in force and
// abort rule, adds one (contracts.write), and shows the standard costs, set
// by an administrator (settings.write); /apheresis-contracts/ID shows one
// contract's prices by procedure type and surcharges and sets them
// (contracts.write). Read with `contracts` (finance, distribution,
// executive, auditor, admin). Amounts are the server's, in dollars.

import * as api from '../api.js';
import { reference } from '../chain.js';
import { h, replace } from '../dom.js';
import { dataTable } from '../data_table.js';
import { field, form } from '../forms.js';
import * as registry from '../registry.js';
import * as session from '../session.js';
import * as format from '../format.js';

export const pages = [
  { pattern: '/apheresis-contracts', render, title: 'Apheresis contracts', capability: 'contracts',
    nav: { area: 'services', order: 40, label: 'Apheresis contracts', description: 'Hospitals\u2019 apheresis prices, surcharges and abort rule; the standard costs.' } },
  { pattern: '/apheresis-contracts/:id', render: renderOne, title: 'Apheresis contract', capability: 'contracts' },
];

const API = '/api/v1/apheresis-contracts';
const SURCHARGES = [
  { value: 'weekend', label: 'Weekend' }, { value: 'holiday', label: 'Federal holiday' },
  { value: 'after_hours', label: 'After hours (before 07:00, from 19:00)' }, { value: 'stat', label: 'Stat call-out' },
];
const inForce = (c) => `${format.date(c.effective_from)} to ${c.effective_to ? format.date(c.effective_to) : 'open end'}`;
const dollars = (amount) => format.money(amount, { cents: true });

function amountsTable(rows, { caption, csvName, keyLabel, label, empty }) {
  return dataTable({
    caption, captionHidden: true, csvName, noun: caption.toLowerCase(), empty, rows,
    columns: [
      { id: 'key', label: keyLabel, header: true, value: (r) => r.key, cell: (r) => label(r.key) },
      { id: 'amount', label: 'Amount', numeric: true, value: (r) => format.cents(r.amount), cell: (r) => dollars(r.amount), csv: (r) => r.amount },
    ],
  });
}

/* The standard costs, and (settings.write) setting one. */
async function costsPanel(context) {
  const costs = (await api.get('/api/v1/apheresis-costs')).items;
  const table = dataTable({
    caption: 'Standard costs', captionHidden: true, csvName: 'apheresis-costs.csv', noun: 'costs',
    empty: 'No standard cost is set: a procedure cannot be signed until its costs are.', rows: costs,
    columns: [
      { id: 'item', label: 'Item', header: true, value: (c) => c.item },
      { id: 'amount', label: 'Amount', numeric: true, value: (c) => format.cents(c.amount), cell: (c) => dollars(c.amount), csv: (c) => c.amount },
      { id: 'updated', label: 'Set', phone: false, value: (c) => c.updated_at, cell: (c) => `${format.timestamp(c.updated_at)} by ${c.updated_by}` },
    ],
  });
  const set = session.can('settings.write') ? form({
    label: 'Set a standard cost', submitLabel: 'Set the cost',
    fields: [field({ name: 'item', label: 'Item', required: true, autocomplete: 'off',
      hint: 'nurse_hour:MARKET (LA), kit:PROCEDURE_TYPE (kit:plasma_exchange), albumin_vial or plasma_unit.' }),
    field({ name: 'amount', label: 'Amount (dollars)', required: true, inputmode: 'decimal', size: '10' })],
    onSubmit: async (values) => {
      const c = await api.put('/api/v1/apheresis-costs', { item: values.item.trim(), amount: values.amount.trim() });
      registry.flash(`The standard cost of ${c.item} is ${dollars(c.amount)}.`);
      context.navigate('/apheresis-contracts', { replace: true });
    },
  }) : null;
  return h('section', { class: 'panel', 'aria-labelledby': 'apheresis-costs' }, h('h2', { id: 'apheresis-costs' }, 'Standard costs'),
    h('p', { class: 'muted' }, 'What a signed procedure costs: the nurse\u2019s hours at the market\u2019s rate, the kit of its type, the albumin vials and plasma units given.'),
    table.element, set ? set.element : null);
}

export async function render(context) {
  const contracts = (await api.get(API)).items;
  if (!context.active()) return;
  const list = dataTable({
    caption: 'Apheresis contracts', captionHidden: true, csvName: 'apheresis-contracts.csv', noun: 'contracts',
    empty: 'No apheresis contract yet: a procedure at a hospital without one cannot be signed.', rows: contracts,
    sort: [{ id: 'hospital', desc: false }],
    columns: [
      { id: 'hospital', label: 'Hospital', header: true, value: (c) => c.hospital, cell: (c) => h('a', { href: `/apheresis-contracts/${c.id}` }, `${c.hospital} (${c.market})`) },
      { id: 'effective_from', label: 'In force', value: (c) => c.effective_from, cell: inForce },
      { id: 'abort_percent', label: 'Aborted billed at', numeric: true, value: (c) => c.abort_percent, cell: (c) => `${c.abort_percent} %` },
      { id: 'prices', label: 'Prices', sortable: false, phone: false, value: (c) => c.prices.length },
    ],
  });
  const create = session.can('contracts.write') ? registry.disclosure('Add a contract', () => form({
    label: 'Add an apheresis contract', submitLabel: 'Add the contract',
    fields: [
      field({ name: 'hospital', label: 'Hospital', required: true, autocapitalize: 'characters', size: '12', hint: 'Its code, e.g. CEDARS.' }),
      field({ name: 'effective_from', label: 'In force from', type: 'date', required: true, hint: 'The hospital\u2019s open contract ends the day before.' }),
      field({ name: 'effective_to', label: 'Until (last day)', type: 'date', hint: 'Empty: open-ended.' }),
      field({ name: 'abort_percent', label: 'An aborted procedure is billed (percent)', required: true, inputmode: 'numeric', size: '5', hint: '0 to 100.' }),
    ],
    onSubmit: async (values) => {
      const body = registry.filled(values);
      body.hospital = body.hospital.trim().toUpperCase();
      const added = await api.post(API, body, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`The apheresis contract of ${added.hospital} is added: set its prices.`);
      context.navigate(`/apheresis-contracts/${added.id}`);
    },
  }).element) : null;
  const costs = await costsPanel(context);
  if (!context.active()) return;
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Apheresis contracts')),
    registry.notices().element,
    h('p', { class: 'muted' }, 'A signed procedure is billed at the price of its type in the hospital\u2019s contract in force on its day, with the surcharges that apply.'),
    create ? create.element : null,
    list.element, costs);
  await list.ready;
}

export async function renderOne(context) {
  const c = await registry.loadRecord(context, {
    path: API, noun: 'apheresis contract', param: 'id', keyName: 'id',
    title: (r) => `${r.hospital} apheresis contract`, back: ['/apheresis-contracts', 'Back to the apheresis contracts'],
  });
  if (!c) return;
  const { apheresis: choices } = await reference();
  if (!context.active()) return;
  const typeLabel = (key) => (choices.procedures.find((p) => p.value === key) || { label: key }).label;
  const kindLabel = (key) => (SURCHARGES.find((s) => s.value === key) || { label: key }).label;
  const reload = () => context.navigate(`/apheresis-contracts/${c.id}`, { replace: true });
  const writes = session.can('contracts.write') ? h('section', { class: 'panel', 'aria-labelledby': 'apheresis-contract-write' },
    h('h2', { id: 'apheresis-contract-write' }, 'Change the prices'),
    form({
      label: 'Set a price', submitLabel: 'Set the price',
      fields: [field({ name: 'procedure_type', label: 'Procedure', options: choices.procedures, required: true }),
        field({ name: 'price', label: 'Price (dollars)', required: true, inputmode: 'decimal', size: '10', hint: 'Two decimals at most.' })],
      onSubmit: async (values) => {
        await api.put(`${API}/${c.id}/prices`, { procedure_type: values.procedure_type, price: values.price.trim() });
        registry.flash(`The price of ${typeLabel(values.procedure_type)} is set.`);
        reload();
      },
    }).element,
    form({
      label: 'Set a surcharge', submitLabel: 'Set the surcharge',
      fields: [field({ name: 'kind', label: 'Surcharge', options: SURCHARGES, required: true }),
        field({ name: 'amount', label: 'Amount (dollars)', required: true, inputmode: 'decimal', size: '10' })],
      onSubmit: async (values) => {
        await api.put(`${API}/${c.id}/surcharges`, { kind: values.kind, amount: values.amount.trim() });
        registry.flash(`The ${kindLabel(values.kind).toLowerCase()} surcharge is set.`);
        reload();
      },
    }).element) : null;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/apheresis-contracts' }, 'Apheresis contracts'), ' \u203a ', `${c.hospital} from ${format.date(c.effective_from)}`),
    h('h1', null, `${c.hospital}: apheresis contract`),
    registry.notices().element,
    h('section', { class: 'panel', 'aria-labelledby': 'apheresis-contract-details' }, h('h2', { id: 'apheresis-contract-details' }, 'Details'),
      registry.details([['Hospital', `${c.hospital} (market ${c.market})`], ['In force', inForce(c)],
        ['Aborted procedure', `billed ${c.abort_percent} % of its price`], ['Created', `${format.timestamp(c.created_at)} by ${c.created_by}`]])),
    h('section', { class: 'panel', 'aria-labelledby': 'apheresis-contract-prices' }, h('h2', { id: 'apheresis-contract-prices' }, 'Prices'),
      amountsTable(c.prices, { caption: 'Prices', csvName: `apheresis-contract-${c.id}-prices.csv`, keyLabel: 'Procedure', label: typeLabel,
        empty: 'No price yet: a procedure of a type without one cannot be signed.' }).element),
    h('section', { class: 'panel', 'aria-labelledby': 'apheresis-contract-surcharges' }, h('h2', { id: 'apheresis-contract-surcharges' }, 'Surcharges'),
      amountsTable(c.surcharges, { caption: 'Surcharges', csvName: `apheresis-contract-${c.id}-surcharges.csv`, keyLabel: 'Surcharge', label: kindLabel,
        empty: 'No surcharge.' }).element),
    writes);
}
