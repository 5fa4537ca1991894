// pages/standing_orders.js - standing orders (docs/distribution.md,
// "Standing orders"): the list with each one's weekly schedule
// (/standing-orders), a new one (/standing-orders/new: hospital, priority,
// weekdays, the local time the units are needed by, first and last day),
// and one standing order (/standing-orders/ID): its lines (distribution adds
// them, as an order's, and removes them), the orders it created with links to them, and
// stopping it. The orders themselves are on the open-orders board.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { dataTable, apiLoader } from '../data_table.js';
import { confirmedForm, field, form } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';
import { PRIORITIES, lineFields, lineBody, attributesText } from './orders.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/standing-orders', render, title: 'Standing orders', capability: 'orders',
    nav: { area: 'distribution', order: 47, label: 'Standing orders', description: 'Hospitals\u2019 orders on a weekly schedule, created the day before.' } },
  { pattern: '/standing-orders/new', render: renderNew, title: 'New standing order', capability: 'orders.write' },
  { pattern: '/standing-orders/:id', render: renderOne, title: 'Standing order', capability: 'orders' },
];

const API = '/api/v1/standing-orders';

const WEEKDAYS = [
  { value: 'mon', label: 'Monday' }, { value: 'tue', label: 'Tuesday' }, { value: 'wed', label: 'Wednesday' },
  { value: 'thu', label: 'Thursday' }, { value: 'fri', label: 'Friday' }, { value: 'sat', label: 'Saturday' },
  { value: 'sun', label: 'Sunday' },
];

/* "Mon, Wed, Fri" from "mon,wed,fri". */
export function daysText(days) {
  return days.split(',').map((d) => d.charAt(0).toUpperCase() + d.slice(1)).join(', ');
}

/* "07:00 America/Los_Angeles". */
function timeText(s) {
  return `${s.time} ${s.time_zone}`;
}

/* "2026-12-07 to 2027-01-31", "from 2026-12-07". */
function periodText(s) {
  return s.to ? `${format.date(s.from)} to ${format.date(s.to)}` : `from ${format.date(s.from)}`;
}

function statusText(s) {
  return s.active ? 'active' : 'stopped';
}

export async function render(context) {
  const list = dataTable({
    caption: 'Standing orders', captionHidden: true, csvName: 'standing-orders.csv', noun: 'standing orders',
    empty: 'No standing order.', url: true,
    load: apiLoader(API),
    filterValues: { status: 'active' },
    filters: [{ id: 'status', label: 'Standing orders', type: 'select', all: 'Every standing order',
      options: [{ value: 'active', label: 'Active' }, { value: 'stopped', label: 'Stopped' }] }],
    columns: [
      { id: 'id', label: 'Standing order', header: true, value: (s) => s.id, cell: (s) => h('a', { href: `/standing-orders/${s.id}` }, `Standing order ${s.id}`) },
      { id: 'hospital', label: 'Hospital', value: (s) => s.hospital, cell: (s) => `${s.hospital} ${s.hospital_name}` },
      { id: 'priority', label: 'Priority', value: (s) => s.priority.toUpperCase() },
      { id: 'days', label: 'Every', sortable: false, value: (s) => daysText(s.days) },
      { id: 'time', label: 'Needed by', value: timeText },
      { id: 'from', label: 'Days', phone: false, value: (s) => s.from, cell: periodText, csv: periodText },
      { id: 'units', label: 'Units a day', sortable: false, numeric: true, value: (s) => s.units },
      { id: 'last_day_created', label: 'Last day created', sortable: false, phone: false, value: (s) => s.last_day_created || '', cell: (s) => (s.last_day_created ? format.date(s.last_day_created) : '\u2014') },
      { id: 'active', label: 'Status', value: statusText },
    ],
  });
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Standing orders'),
      session.can('orders.write') ? h('a', { class: 'button-primary', href: '/standing-orders/new' }, 'New standing order') : null),
    registry.notices().element,
    h('p', { class: 'muted' }, 'Each scheduled day\u2019s order is created the day before and appears on the open-orders board, needed by the standing order\u2019s time in the hospital\u2019s zone. Days already past are not created.'),
    list.element,
    session.can('orders.write') ? runForm(context).element : null);
  await list.ready;
}

/* Create the orders through tomorrow now (the server also does it on its
 * own, every few minutes). */
function runForm(context) {
  return form({
    label: 'Create the orders now',
    submitLabel: 'Create the orders due through tomorrow',
    fields: [],
    onSubmit: async () => {
      const result = await api.post(`${API}/run`, {}, { idempotencyKey: api.idempotencyKey() });
      const n = result.created.length;
      registry.flash(n ? `${n} order${n === 1 ? '' : 's'} created: ${result.created.map((c) => `order ${c.order} for ${c.hospital} on ${c.day}`).join('; ')}.`
        : 'No order was due: every scheduled day through tomorrow has its order.');
      context.navigate('/standing-orders', { replace: true });
    },
  });
}

export async function renderNew(context) {
  const standingForm = form({
    label: 'New standing order',
    submitLabel: 'Add the standing order',
    className: 'form form-phone',
    fields: [
      field({ name: 'hospital', label: 'Hospital', required: true, autocapitalize: 'characters', size: '12', hint: 'Its code, e.g. CEDARS.' }),
      field({ name: 'priority', label: 'Priority', options: PRIORITIES, value: 'routine' }),
      field({ name: 'days', label: 'Every', required: true, checkboxes: WEEKDAYS, hint: 'The weekdays the order recurs on.' }),
      field({ name: 'time', label: 'Needed by (local time)', type: 'time', required: true, value: '07:00', hint: 'The time of day at the hospital (its market\u2019s time zone).' }),
      field({ name: 'from', label: 'First day', type: 'date', required: true, value: format.today() }),
      field({ name: 'to', label: 'Last day', type: 'date', hint: 'Empty: until it is stopped.' }),
    ],
    onSubmit: async (values) => {
      const body = registry.filled({ hospital: values.hospital.trim().toUpperCase(), priority: values.priority, days: values.days.join(','),
        time: values.time, from: values.from, to: values.to });
      const s = await api.post(API, body, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Standing order ${s.id} of ${s.hospital} is added: add its lines.`);
      context.navigate(`/standing-orders/${s.id}`);
    },
  });
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/standing-orders' }, 'Standing orders'), ' \u203a ', 'New'),
    h('h1', null, 'New standing order'),
    h('p', { class: 'muted' }, 'Its lines come next; it creates orders once it has them.'), standingForm.element);
}

/* The lines, each with a Remove button while the standing order is active
 * and the user writes orders. */
function linesTable(context, s, writes) {
  const remove = (l) => h('button', {
    type: 'button', class: 'button-secondary button-small', 'aria-label': `Remove the line ${l.family} ${l.group}`,
    onClick: async (event) => {
      event.currentTarget.disabled = true;
      try {
        await api.post(`${API}/${s.id}/lines/${l.id}/remove`, {}, { idempotencyKey: api.idempotencyKey() });
        registry.flash(`The line ${l.family} ${l.group} is removed.`);
      } catch (error) {
        registry.flash(`The line was not removed: ${error.message}`);
      }
      context.navigate(`/standing-orders/${s.id}`, { replace: true });
    },
  }, 'Remove');
  return dataTable({
    caption: 'Lines', captionHidden: true, csvName: `standing-order-${s.id}-lines.csv`, noun: 'lines',
    empty: 'No line yet: the standing order creates no order until it has one.',
    rows: s.lines,
    columns: [
      { id: 'family', label: 'Family', header: true, value: (l) => l.family },
      { id: 'group', label: 'ABO/RhD', value: (l) => l.group },
      { id: 'attributes', label: 'Attributes', value: attributesText },
      { id: 'quantity', label: 'Units', numeric: true, value: (l) => l.quantity },
      ...(writes ? [{ id: 'remove', label: 'Remove', sortable: false, csv: false, value: () => '', cell: remove }] : []),
    ],
  });
}

function ordersTable(s) {
  return dataTable({
    caption: 'Orders created', captionHidden: true, csvName: `standing-order-${s.id}-orders.csv`, noun: 'orders',
    empty: 'No order created yet.',
    rows: s.orders,
    sort: [{ id: 'day', desc: true }],
    columns: [
      { id: 'day', label: 'Day', header: true, value: (o) => o.day, cell: (o) => format.date(o.day) },
      { id: 'order', label: 'Order', value: (o) => o.order, cell: (o) => h('a', { href: `/orders/${o.order}` }, `Order ${o.order}`) },
      { id: 'needed_by', label: 'Needed by', value: (o) => o.needed_by, cell: (o) => format.dateTime(o.needed_by, s.time_zone) },
      { id: 'status', label: 'Status', value: (o) => o.status },
    ],
  });
}

export async function renderOne(context) {
  const s = await registry.loadRecord(context, {
    path: API, noun: 'standing order', param: 'id', keyName: 'id', title: (r) => `Standing order ${r.id}`,
    back: ['/standing-orders', 'Back to the standing orders'],
  });
  if (!s) return;
  const writes = session.can('orders.write') && s.active;
  const lineForm = writes ? form({
    label: 'Add a line', submitLabel: 'Add the line', className: 'form form-phone', fields: lineFields(),
    onSubmit: async (values) => {
      await api.post(`${API}/${s.id}/lines`, lineBody(values), { idempotencyKey: api.idempotencyKey() });
      registry.flash('The line is added.');
      context.navigate(`/standing-orders/${s.id}`, { replace: true });
    },
  }) : null;
  const stop = writes ? confirmedForm({
    label: 'Stop', submitLabel: 'Stop the standing order\u2026', fields: [],
    confirm: () => ({ title: `Stop standing order ${s.id}?`, text: 'It creates no more orders; the orders it created stay.', confirmLabel: 'Stop it' }),
    onConfirm: async () => {
      await api.post(`${API}/${s.id}/stop`, {}, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Standing order ${s.id} is stopped.`);
      context.navigate(`/standing-orders/${s.id}`, { replace: true });
    },
  }) : null;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/standing-orders' }, 'Standing orders'), ' \u203a ', `Standing order ${s.id}`),
    h('h1', null, `Standing order ${s.id}: ${s.hospital_name}`),
    registry.notices().element,
    h('section', { class: 'panel', 'aria-labelledby': 'standing-details' }, h('h2', { id: 'standing-details' }, 'Schedule'),
      registry.details([['Hospital', `${s.hospital} ${s.hospital_name}`], ['Priority', s.priority.toUpperCase()],
        ['Every', daysText(s.days)], ['Needed by', timeText(s)], ['Days', periodText(s)], ['Status', statusText(s)],
        ['Added', `${format.timestamp(s.created_at)} by ${s.created_by}`],
        s.stopped_at ? ['Stopped', `${format.timestamp(s.stopped_at)} by ${s.stopped_by}`] : null]),
      stop),
    h('section', { class: 'panel', 'aria-labelledby': 'standing-lines' }, h('h2', { id: 'standing-lines' }, 'Lines'),
      linesTable(context, s, writes).element, lineForm ? lineForm.element : null),
    h('section', { class: 'panel', 'aria-labelledby': 'standing-orders-created' }, h('h2', { id: 'standing-orders-created' }, 'Orders created'),
      ordersTable(s).element));
}
