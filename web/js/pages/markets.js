// pages/markets.js - markets (regions such as Los Angeles, New York): the
// list (/markets, search), adding one and renaming one or changing its time
// zone (/markets/CODE), both for admin.

import { h } from '../dom.js';
import { field } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/markets', render, title: 'Markets', capability: 'registry',
    nav: { area: 'administration', order: 10, label: 'Markets', description: 'The markets (regions) the company works in.' } },
  { pattern: '/markets/:code', render: renderOne, title: 'Market', capability: 'registry' },
];

const API = '/api/v1/markets';

export async function render(context) {
  const notices = registry.notices();
  const list = registry.list({
    context,
    path: API,
    nounPlural: 'markets',
    searchLabel: 'Search markets',
    columns: [
      { id: 'code', label: 'Code', value: (m) => m.code, cell: (m) => h('a', { href: `/markets/${encodeURIComponent(m.code)}` }, m.code), header: true },
      { id: 'name', label: 'Name', value: (m) => m.name },
      { id: 'time_zone', label: 'Time zone', value: (m) => m.time_zone },
      { id: 'created_at', label: 'Created', value: (m) => m.created_at, cell: (m) => format.dateTime(m.created_at, m.time_zone), phone: false },
    ],
  });
  const create = session.can('markets.write') ? registry.createForm({
    label: 'Add a market',
    submitLabel: 'Add the market',
    path: API,
    noun: 'Market',
    notices,
    list,
    fields: () => [
      field({ name: 'code', label: 'Code', required: true, hint: 'For example NY. Stored in capitals.', autocapitalize: 'characters', size: '8' }),
      field({ name: 'name', label: 'Name', required: true, maxlength: '200' }),
      registry.timeZoneField({ hint: 'An IANA name such as America/New_York; America/Los_Angeles when left empty. New centers of the market take it.' }),
    ],
  }) : null;
  await registry.showList(context, { title: 'Markets', create, notices, list });
}

export async function renderOne(context) {
  const market = await registry.loadRecord(context, { path: API, noun: 'market', back: ['/markets', 'Back to the markets'] });
  if (!market) return;
  const notices = registry.notices();
  const edit = session.can('markets.write') ? registry.editForm({
    context,
    record: market,
    path: API,
    label: 'Edit the market',
    fields: [
      field({ name: 'name', label: 'Name', required: true, value: market.name, maxlength: '200' }),
      registry.timeZoneField({ value: market.time_zone, hint: 'An IANA name such as America/New_York. The market\'s centers keep their own zones.' }),
    ],
    unchanged: 'the name and the time zone are unchanged',
    notices,
  }) : null;
  registry.showRecord(context, {
    crumb: ['/markets', 'Markets'],
    record: market,
    notices,
    details: [['Code', market.code], ['Name', market.name], ['Time zone', market.time_zone],
      ['Created', format.dateTime(market.created_at, market.time_zone)]],
    more: h('p', null, h('a', { href: `/centers?market=${encodeURIComponent(market.code)}` }, `Donor centers in ${market.code}`)),
    edit,
    editTitle: 'Edit',
  });
}
