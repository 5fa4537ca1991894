// pages/contracts.js - hospitals' supply contracts (docs/distribution.md,
// "Contracts and pricing"): the list of versions (/contracts, by hospital,
// each version's days in force and return policy), a new version for a
// hospital (distribution), and one version (/contracts/ID) with its prices
// per product or family and its surcharges, where distribution sets a
// price or a surcharge and renews the version with an increase. Finance,
// executives and auditors read.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { dataTable, apiLoader } from '../data_table.js';
import { field, form } from '../forms.js';
import * as registry from '../registry.js';
import * as session from '../session.js';
import * as format from '../format.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/contracts', render, title: 'Supply contracts', capability: 'contracts',
    nav: { area: 'distribution', order: 30, label: 'Contracts', description: 'Hospitals\u2019 supply contracts: versions, prices, surcharges, return policy.' } },
  { pattern: '/contracts/:id', render: renderOne, title: 'Supply contract', capability: 'contracts' },
];

const API = '/api/v1/contracts';

const SURCHARGES = [
  { value: 'irradiated', label: 'Irradiated' }, { value: 'cmv_negative', label: 'CMV-negative' },
  { value: 'washed', label: 'Washed' }, { value: 'leukoreduced', label: 'Leukoreduced' },
  { value: 'stat_delivery', label: 'STAT delivery' }, { value: 'after_hours_delivery', label: 'After-hours delivery' },
];

const FAMILIES = ['red_cells', 'platelets', 'plasma', 'whole_blood', 'cryoprecipitate', 'granulocytes'];

const period = (c) => `${format.date(c.effective_from)} to ${c.effective_to ? format.date(c.effective_to) : 'open end'}`;
const policy = (c) => (c.return_days ? `credited within ${c.return_days} days at ${c.return_credit} %` : 'no credit');

export async function render(context) {
  const notices = registry.notices();
  const list = dataTable({
    caption: 'Contract versions', captionHidden: true, csvName: 'contracts.csv', noun: 'versions',
    empty: 'No contract yet.', url: true,
    load: apiLoader(API),
    sort: [{ id: 'hospital', desc: false }],
    columns: [
      { id: 'hospital', label: 'Hospital', header: true, value: (c) => c.hospital, cell: (c) => h('a', { href: `/contracts/${c.id}` }, `${c.hospital} ${c.hospital_name}`) },
      { id: 'version', label: 'Version', numeric: true, value: (c) => c.version },
      { id: 'effective_from', label: 'From', value: (c) => c.effective_from, cell: (c) => format.date(c.effective_from) },
      { id: 'effective_to', label: 'To', value: (c) => c.effective_to || '', cell: (c) => (c.effective_to ? format.date(c.effective_to) : 'open end') },
      { id: 'return', label: 'Returns', sortable: false, phone: false, value: policy },
    ],
  });
  let create = null;
  if (session.can('contracts.write')) {
    create = registry.disclosure('Add a contract', () => form({
      label: 'Add a contract',
      submitLabel: 'Add the contract',
      fields: [
        field({ name: 'hospital', label: 'Hospital', required: true, autocapitalize: 'characters', size: '12', hint: 'Its code, e.g. CEDARS.' }),
        field({ name: 'from', label: 'In force from', type: 'date', required: true }),
        field({ name: 'to', label: 'Until (last day)', type: 'date', hint: 'Empty: open-ended.' }),
        field({ name: 'return_days', label: 'Returns credited within (days)', type: 'number', min: '0', step: '1', inputmode: 'numeric', value: '0' }),
        field({ name: 'return_credit', label: 'Credited at (percent of the price)', inputmode: 'decimal', value: '0' }),
      ],
      onSubmit: async (values) => {
        const body = registry.filled(values);
        body.hospital = body.hospital.toUpperCase();
        const added = await api.post(API, body, { idempotencyKey: api.idempotencyKey() });
        registry.flash(`Contract version ${added.version} of ${added.hospital} is added.`);
        context.navigate(`/contracts/${added.id}`);
      },
    }).element);
  }
  await registry.showList(context, { title: 'Supply contracts', create, notices, list });
}

function pricesTable(contract) {
  return dataTable({
    caption: 'Prices', captionHidden: true, csvName: `contract-${contract.id}-prices.csv`, noun: 'prices',
    empty: 'No price yet: a unit cannot be priced under this version.',
    rows: contract.prices,
    columns: [
      { id: 'code', label: 'Product or family', header: true, value: (p) => p.code, cell: (p) => `${p.code} (${p.target})` },
      { id: 'price', label: 'Price', numeric: true, value: (p) => format.cents(p.price), cell: (p) => format.money(p.price, { cents: true }), csv: (p) => p.price },
    ],
  });
}

function surchargesTable(contract) {
  return dataTable({
    caption: 'Surcharges', captionHidden: true, csvName: `contract-${contract.id}-surcharges.csv`, noun: 'surcharges',
    empty: 'No surcharge.',
    rows: contract.surcharges,
    columns: [
      { id: 'kind', label: 'Surcharge', header: true, value: (s) => (SURCHARGES.find((k) => k.value === s.kind) || { label: s.kind }).label },
      { id: 'price', label: 'Price', numeric: true, value: (s) => format.cents(s.price), cell: (s) => format.money(s.price, { cents: true }), csv: (s) => s.price },
    ],
  });
}

function writeForms(context, contract) {
  const reload = () => context.navigate(`/contracts/${contract.id}`, { replace: true });
  const target = field({ name: 'target', label: 'Price of', options: [{ value: 'family', label: 'A family' }, { value: 'product', label: 'A product code' }] });
  const code = field({ name: 'code', label: 'Family or product code', required: true, list: 'contract-families', hint: 'red_cells, platelets, plasma... or a product code such as E0300.' });
  const price = form({
    label: 'Set a price',
    submitLabel: 'Set the price',
    fields: [target, code, field({ name: 'price', label: 'Price (dollars)', required: true, inputmode: 'decimal', size: '10' })],
    onSubmit: async (values) => {
      const body = { price: values.price.trim() };
      body[values.target === 'product' ? 'product' : 'family'] = values.code.trim();
      await api.post(`${API}/${contract.id}/prices`, body, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`The price of ${values.code.trim()} is set.`);
      reload();
    },
  });
  const surcharge = form({
    label: 'Set a surcharge',
    submitLabel: 'Set the surcharge',
    fields: [field({ name: 'kind', label: 'Surcharge', options: SURCHARGES }),
      field({ name: 'price', label: 'Price (dollars)', required: true, inputmode: 'decimal', size: '10' })],
    onSubmit: async (values) => {
      await api.post(`${API}/${contract.id}/surcharges`, { kind: values.kind, price: values.price.trim() }, { idempotencyKey: api.idempotencyKey() });
      registry.flash('The surcharge is set.');
      reload();
    },
  });
  const renew = form({
    label: 'Renew',
    submitLabel: 'Renew the contract',
    fields: [field({ name: 'from', label: 'New version from', type: 'date', required: true }),
      field({ name: 'increase', label: 'Increase (percent)', inputmode: 'decimal', size: '8', hint: 'Every price and surcharge raised, rounded half up to the cent. Empty: unchanged.' })],
    onSubmit: async (values) => {
      const renewed = await api.post(`${API}/${contract.id}/renewals`, registry.filled(values), { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Version ${renewed.version} is in force from ${format.date(renewed.effective_from)}.`);
      context.navigate(`/contracts/${renewed.id}`);
    },
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'contract-write' }, h('h2', { id: 'contract-write' }, 'Change the prices'),
    h('datalist', { id: 'contract-families' }, FAMILIES.map((f) => h('option', { value: f }))),
    price.element, surcharge.element, renew.element);
}

export async function renderOne(context) {
  const contract = await registry.loadRecord(context, {
    path: API, noun: 'contract', param: 'id', keyName: 'id',
    title: (c) => `${c.hospital} contract, version ${c.version}`, back: ['/contracts', 'Back to the contracts'],
  });
  if (!contract) return;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/contracts' }, 'Contracts'), ' › ', `${contract.hospital} v${contract.version}`),
    h('h1', null, `${contract.hospital_name}: contract version ${contract.version}`),
    registry.notices().element,
    h('section', { class: 'panel', 'aria-labelledby': 'contract-details' }, h('h2', { id: 'contract-details' }, 'Details'),
      registry.details([['Hospital', `${contract.hospital} ${contract.hospital_name}`], ['In force', period(contract)],
        ['Returns', policy(contract)],
        contract.renewed_from ? ['Renews', h('a', { href: `/contracts/${contract.renewed_from}` }, `the version before, raised ${contract.increase} %`)] : null,
        ['Created', `${format.timestamp(contract.created_at)} by ${contract.created_by}`]])),
    h('section', { class: 'panel', 'aria-labelledby': 'contract-prices' }, h('h2', { id: 'contract-prices' }, 'Prices'), pricesTable(contract).element),
    h('section', { class: 'panel', 'aria-labelledby': 'contract-surcharges' }, h('h2', { id: 'contract-surcharges' }, 'Surcharges'), surchargesTable(contract).element),
    session.can('contracts.write') ? writeForms(context, contract) : null);
}
