// pages/hospitals.js - hospitals (the company's customers): the list
// (/hospitals, search), adding one and editing one (/hospitals/CODE) for
// admin, distribution and finance; everyone else reads.

import { h } from '../dom.js';
import { field } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/hospitals', render, title: 'Hospitals', capability: 'registry',
    nav: { area: 'administration', order: 30, label: 'Hospitals', description: 'The hospitals the company supplies and serves, with billing terms.' } },
  { pattern: '/hospitals/:code', render: renderOne, title: 'Hospital', capability: 'registry' },
];

const API = '/api/v1/hospitals';

function hospitalFields(markets, hospital = {}) {
  return [
    field({ name: 'name', label: 'Name', required: true, value: hospital.name, maxlength: '200' }),
    field({ name: 'market', label: 'Market', value: hospital.market || '', options: markets }),
    field({ name: 'address', label: 'Address', value: hospital.address || '', rows: '2' }),
    field({ name: 'billing_terms_days', label: 'Billing terms (days)', type: 'number', min: '0', step: '1', inputmode: 'numeric',
      value: hospital.billing_terms_days === undefined ? '30' : String(hospital.billing_terms_days), hint: 'Days the hospital has to pay an invoice.' }),
  ];
}

/* The form's text turned into the API's types: terms as an integer when
 * it is one (anything else, an emptied field too, is sent as typed, for
 * the server to name). */
function typed(values) {
  const terms = values.billing_terms_days;
  if (typeof terms !== 'string' || !/^-?\d+$/.test(terms.trim())) return values;
  return { ...values, billing_terms_days: Number(terms) };
}

export async function render(context) {
  const notices = registry.notices();
  const list = registry.list({
    context,
    path: API,
    nounPlural: 'hospitals',
    searchLabel: 'Search hospitals',
    columns: [
      { id: 'code', label: 'Code', value: (x) => x.code, cell: (x) => h('a', { href: `/hospitals/${encodeURIComponent(x.code)}` }, x.code), header: true },
      { id: 'name', label: 'Name', value: (x) => x.name },
      { id: 'market', label: 'Market', value: (x) => x.market || '', cell: (x) => x.market || '—' },
      { id: 'billing_terms_days', label: 'Billing terms', value: (x) => x.billing_terms_days, cell: (x) => `${x.billing_terms_days} days`, numeric: true },
    ],
  });
  let create = null;
  if (session.can('hospitals.write')) {
    const markets = await registry.marketOptions('No market');
    if (!context.active()) return;
    create = registry.createForm({
      label: 'Add a hospital',
      submitLabel: 'Add the hospital',
      path: API,
      body: (values) => typed(registry.filled(values)),
      noun: 'Hospital',
      notices,
      list,
      fields: () => [field({ name: 'code', label: 'Code', required: true, hint: 'For example CEDARS. Stored in capitals.', autocapitalize: 'characters', size: '12' }), ...hospitalFields(markets)],
    });
  }
  await registry.showList(context, { title: 'Hospitals', create, notices, list });
}

export async function renderOne(context) {
  const hospital = await registry.loadRecord(context, { path: API, noun: 'hospital', back: ['/hospitals', 'Back to the hospitals'] });
  if (!hospital) return;
  const notices = registry.notices();
  let edit = null;
  if (session.can('hospitals.write')) {
    const markets = await registry.marketOptions('No market');
    if (!context.active()) return;
    edit = registry.editForm({
      context,
      record: hospital,
      path: API,
      label: 'Edit the hospital',
      fields: hospitalFields(markets, hospital),
      body: typed,
      notices,
    });
  }
  registry.showRecord(context, {
    crumb: ['/hospitals', 'Hospitals'],
    record: hospital,
    notices,
    details: [
      ['Code', hospital.code], ['Name', hospital.name], ['Market', hospital.market], ['Address', hospital.address],
      ['Billing terms', `${hospital.billing_terms_days} days`], ['Created', format.timestamp(hospital.created_at)],
    ],
    edit,
  });
}
