// pages/centers.js - donor centers: the list (/centers, search, status
// filter, open and close dates, status), adding a center (admin), and one
// center (/centers/CODE) with its edit form and the close form with a
// confirmation step (admin). Server errors appear next to their field.

import * as api from '../api.js';
import { h } from '../dom.js';
import { confirmedForm, field } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/centers', render, title: 'Donor centers', capability: 'registry',
    nav: { area: 'administration', order: 20, label: 'Donor centers', description: 'The donor centers: open and closed, with their facility numbers.' } },
  { pattern: '/centers/:code', render: renderOne, title: 'Donor center', capability: 'registry' },
];

const API = '/api/v1/centers';

const FIN_HINT = 'ISBT 128 facility identification number: a capital letter and four digits, e.g. W1234.';

/* "Open", "Closed" or "Open, closing Jun 30, 2004" (a close date to come). */
function statusText(center) {
  if (center.status === 'closed') return 'Closed';
  if (center.close_date) return `Open, closing ${format.date(center.close_date)}`;
  return 'Open';
}

function statusBadge(center) {
  return h('span', { class: `badge badge-${center.status === 'closed' ? 'closed' : 'open'}` }, statusText(center));
}

function centerFields(markets, center = {}) {
  return [
    field({ name: 'name', label: 'Name', required: true, value: center.name, maxlength: '200' }),
    field({ name: 'market', label: 'Market', required: true, value: center.market, options: markets }),
    field({ name: 'fin', label: 'Facility identification number (FIN)', value: center.fin || '', hint: FIN_HINT, autocapitalize: 'characters', spellcheck: 'false', size: '8' }),
    field({ name: 'address', label: 'Address', value: center.address || '', rows: '2' }),
    field({ name: 'open_date', label: 'Open date', type: 'date', value: center.open_date || '' }),
    registry.timeZoneField({
      value: center.time_zone || '',
      hint: center.code ? 'An IANA name such as America/New_York: the center\'s times and days are in it.'
        : 'An IANA name such as America/New_York; the market\'s zone when left empty.',
    }),
  ];
}

export async function render(context) {
  const notices = registry.notices();
  const list = registry.list({
    context,
    path: API,
    nounPlural: 'donor centers',
    searchLabel: 'Search centers',
    extraParams: { market: context.query.get('market') },
    filters: [{ name: 'status', label: 'Status', options: [{ value: '', label: 'All' }, { value: 'open', label: 'Open' }, { value: 'closed', label: 'Closed' }] }],
    columns: [
      { id: 'code', label: 'Code', value: (c) => c.code, cell: (c) => h('a', { href: `/centers/${encodeURIComponent(c.code)}` }, c.code), header: true },
      { id: 'name', label: 'Name', value: (c) => c.name },
      { id: 'market', label: 'Market', value: (c) => c.market },
      { id: 'fin', label: 'FIN', value: (c) => c.fin || '', cell: (c) => c.fin || '—', phone: false },
      { id: 'open_date', label: 'Opened', value: (c) => c.open_date, cell: (c) => (c.open_date ? format.date(c.open_date) : '—'), phone: false },
      { id: 'close_date', label: 'Closed', value: (c) => c.close_date || '', cell: (c) => (c.close_date ? format.date(c.close_date) : '—'), phone: false },
      { id: 'status', label: 'Status', value: statusText, cell: statusBadge, sortable: false },
      { id: 'time_zone', label: 'Time zone', value: (c) => c.time_zone, phone: false },
    ],
  });
  let create = null;
  if (session.can('centers.write')) {
    const markets = await registry.marketOptions('Choose a market');
    if (!context.active()) return;
    create = registry.createForm({
      label: 'Add a donor center',
      submitLabel: 'Add the center',
      path: API,
      noun: 'Donor center',
      notices,
      list,
      fields: () => [field({ name: 'code', label: 'Code', required: true, hint: 'For example LA-02. Stored in capitals.', autocapitalize: 'characters', size: '10' }), ...centerFields(markets)],
    });
  }
  const market = context.query.get('market');
  await registry.showList(context, {
    title: 'Donor centers',
    create,
    intro: market ? h('p', null, `In market ${market}. `, h('a', { href: '/centers' }, 'Show every market')) : null,
    notices,
    list,
  });
}

function closeSection(context, center) {
  return h('section', { class: 'panel', 'aria-labelledby': 'close-title' },
    h('h2', { id: 'close-title' }, 'Close this donor center'),
    h('p', { class: 'muted' }, 'A closed center stays in the records and in past reports.'),
    confirmedForm({
      fields: [
        field({ name: 'close_date', label: 'Close date', type: 'date', required: true }),
        field({ name: 'reason', label: 'Reason', required: true, hint: 'Recorded in the audit trail, e.g. "restructuring plan".', maxlength: '500' }),
      ],
      label: 'Close this donor center',
      submitLabel: 'Review the closure',
      confirm: (values) => ({
        title: `Close ${center.code}?`,
        text: `${center.code} ${center.name} will be closed on ${format.date(values.close_date)} for the reason “${values.reason.trim()}”. `
          + 'It then counts as a closed center in the same-center analysis of every quarter ending on or after that date. This cannot be undone here.',
        confirmLabel: 'Yes, close the center',
      }),
      onConfirm: async (values) => {
        const closed = await api.post(`${API}/${encodeURIComponent(center.code)}/close`,
          { close_date: values.close_date, reason: values.reason.trim() });
        registry.flash(`Donor center ${closed.code} is closed as of ${format.date(closed.close_date)}.`);
        context.navigate(location.pathname, { replace: true });
      },
    }));
}

export async function renderOne(context) {
  const center = await registry.loadRecord(context, { path: API, noun: 'donor center', back: ['/centers', 'Back to the donor centers'] });
  if (!center) return;
  const notices = registry.notices();
  let edit = null;
  let close = null;
  if (session.can('centers.write')) {
    const markets = await registry.marketOptions('Choose a market');
    if (!context.active()) return;
    edit = registry.editForm({
      context,
      record: center,
      path: API,
      label: 'Edit the donor center',
      fields: centerFields(markets, center),
      notices,
    });
    if (!center.close_date) close = closeSection(context, center);
  }
  registry.showRecord(context, {
    crumb: ['/centers', 'Donor centers'],
    record: center,
    notices,
    details: [
      ['Code', center.code], ['Name', center.name], ['Market', center.market], ['FIN', center.fin],
      ['Address', center.address], ['Open date', center.open_date ? format.date(center.open_date) : null],
      ['Close date', center.close_date ? format.date(center.close_date) : null], ['Close reason', center.close_reason],
      ['Status', statusBadge(center)], ['Time zone', center.time_zone],
      ['Created', format.dateTime(center.created_at, center.time_zone)],
    ],
    edit,
    after: close,
  });
}
