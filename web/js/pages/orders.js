// pages/orders.js - hospitals' orders (docs/distribution.md, "Orders and
// their clocks", "Allocation", "Shipments"): the open-orders board
// (/orders: each order's deadline and time left, overdue ones marked in
// words and colour, nearest deadline first); order entry (/orders/new,
// for a hospital's call: hospital, priority, when it is needed, then its
// lines, laid out for a phone); one order (/orders/ID): its lines with
// what is allocated and still owed, each allocated unit with its group
// and whether it substitutes, allocating and undoing, and shipping: the
// DINs scanned one after another (a keyboard-wedge scanner ends each with
// Enter, which adds the DIN and moves on to the next), shipper and packing
// temperature, then the shipment with its packing list; cancelling an open
// order for a reason, shown on the order once cancelled.

import * as api from '../api.js';
import { h, replace, message } from '../dom.js';
import { dataTable, apiLoader } from '../data_table.js';
import { confirmedForm, field, form } from '../forms.js';
import * as chain from '../chain.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/orders', render, title: 'Open orders', capability: 'orders',
    nav: { area: 'distribution', order: 40, label: 'Open orders', description: 'The open-orders board: each order\u2019s clock, overdue ones first.' } },
  { pattern: '/orders/new', render: renderNew, title: 'New order', capability: 'orders.write',
    nav: { area: 'distribution', order: 45, label: 'New order', description: 'Take a hospital\u2019s order by phone: priority, when needed, lines.' } },
  { pattern: '/orders/:id', render: renderOne, title: 'Order', capability: 'orders' },
];

const API = '/api/v1/orders';

export const PRIORITIES = [
  { value: 'stat', label: 'STAT (1 hour)' }, { value: 'asap', label: 'ASAP (4 hours)' }, { value: 'routine', label: 'Routine (24 hours)' },
];
const FAMILIES = [
  { value: 'red_cells', label: 'Red cells' }, { value: 'platelets', label: 'Platelets' }, { value: 'plasma', label: 'Plasma' },
  { value: 'whole_blood', label: 'Whole blood' }, { value: 'cryoprecipitate', label: 'Cryoprecipitate' }, { value: 'granulocytes', label: 'Granulocytes' },
];

/* Time left on an order's clock in words: "1 h 20 min left", "overdue by 35 min". */
export function clockText(order) {
  if (order.status !== 'open') return order.status;
  const seconds = Math.abs(order.seconds_left);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const span = hours ? `${hours} h ${minutes} min` : `${minutes} min`;
  return order.overdue ? `overdue by ${span}` : `${span} left`;
}

function clockCell(order) {
  const text = clockText(order);
  return order.overdue ? h('strong', { class: 'deadline deadline-overdue' }, text) : h('span', { class: 'deadline' }, text);
}

export async function render(context) {
  const list = dataTable({
    caption: 'Open orders', captionHidden: true, csvName: 'open-orders.csv', noun: 'orders',
    empty: 'No open order.', url: true,
    load: apiLoader(API),
    sort: [{ id: 'deadline', desc: false }],
    filterValues: { status: 'open' },
    filters: [{ id: 'status', label: 'Orders', type: 'select', all: 'Every order', options: [{ value: 'open', label: 'Open' }] }],
    columns: [
      { id: 'id', label: 'Order', header: true, sortable: false, value: (o) => o.id, cell: (o) => h('a', { href: `/orders/${o.id}` }, `Order ${o.id}`) },
      { id: 'hospital', label: 'Hospital', value: (o) => o.hospital, cell: (o) => `${o.hospital} ${o.hospital_name}` },
      { id: 'priority', label: 'Priority', value: (o) => o.priority.toUpperCase() },
      { id: 'deadline', label: 'Ship by', value: (o) => o.deadline, cell: (o) => format.timestamp(o.deadline) },
      { id: 'clock', label: 'Clock', sortable: false, value: clockText, cell: clockCell },
      { id: 'needed_by', label: 'Needed by', phone: false, value: (o) => o.needed_by, cell: (o) => format.timestamp(o.needed_by) },
      { id: 'units', label: 'Units (allocated / ordered)', sortable: false, numeric: true, value: (o) => `${o.units_allocated} / ${o.units_ordered}` },
      { id: 'backorder', label: 'Owed', sortable: false, numeric: true, phone: false, value: (o) => o.backorder },
    ],
    rowClass: (o) => (o.overdue ? 'row-overdue' : null),
  });
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Open orders'),
      session.can('orders.write') ? h('a', { class: 'button-primary', href: '/orders/new' }, 'New order') : null),
    h('p', { class: 'muted' }, 'Each priority\u2019s clock runs from the order to its shipment: STAT 1 hour, ASAP 4 hours, routine 24 hours.'),
    list.element);
  await list.ready;
}

/* --- order entry ---------------------------------------------------------- */

/* A time `hours` from now as a datetime-local value in UTC (the API's). */
function utcIn(hours) {
  return new Date(Date.now() + hours * 3600e3).toISOString().slice(0, 16);
}

export async function renderNew(context) {
  const orderForm = form({
    label: 'New order',
    submitLabel: 'Take the order',
    className: 'form form-phone',
    fields: [
      field({ name: 'hospital', label: 'Hospital', required: true, autocapitalize: 'characters', size: '12', hint: 'Its code, e.g. CEDARS.' }),
      field({ name: 'priority', label: 'Priority', options: PRIORITIES, value: 'routine' }),
      field({ name: 'needed_by', label: 'Needed by (UTC)', type: 'datetime-local', required: true, value: utcIn(24), hint: 'When the hospital needs the units, in UTC.' }),
    ],
    onSubmit: async (values) => {
      const order = await api.post(API, { hospital: values.hospital.trim().toUpperCase(), priority: values.priority, needed_by: values.needed_by },
        { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Order ${order.id} of ${order.hospital} is taken: add its lines.`);
      context.navigate(`/orders/${order.id}`);
    },
  });
  replace(context.main, h('h1', null, 'New order'),
    h('p', { class: 'muted' }, 'The clock starts when the order is taken; its lines come next.'), orderForm.element);
}

/* --- one order -------------------------------------------------------------- */

/* The fields of a line (an order's or a standing order's) and the body
 * the API takes from their values. */
export function lineFields() {
  return [
    field({ name: 'family', label: 'Product family', options: FAMILIES }),
    field({ name: 'group', label: 'ABO/RhD', options: chain.GROUPS.map((g) => ({ value: g, label: g })) }),
    field({ name: 'quantity', label: 'Units', type: 'number', min: '1', max: '500', step: '1', inputmode: 'numeric', required: true, value: '1' }),
    field({ name: 'attributes', label: 'Attributes', checkboxes: [{ value: 'irradiated', label: 'Irradiated' }, { value: 'cmv_negative', label: 'CMV-negative' }] }),
  ];
}

export function lineBody(values) {
  return { family: values.family, group: values.group, quantity: values.quantity,
    irradiated: values.attributes.includes('irradiated'), cmv_negative: values.attributes.includes('cmv_negative') };
}

/* A line's attributes in words ("irradiated, CMV-negative", "—"). */
export function attributesText(line) {
  return [line.irradiated ? 'irradiated' : '', line.cmv_negative ? 'CMV-negative' : ''].filter(Boolean).join(', ') || '\u2014';
}

function lineForm(context, order) {
  return form({
    label: 'Add a line',
    submitLabel: 'Add the line',
    className: 'form form-phone',
    fields: lineFields(),
    onSubmit: async (values) => {
      await api.post(`${API}/${order.id}/lines`, lineBody(values), { idempotencyKey: api.idempotencyKey() });
      registry.flash('The line is added.');
      context.navigate(`/orders/${order.id}`, { replace: true });
    },
  });
}

function allocationRows(order) {
  return order.lines.flatMap((line) => line.allocations.map((a) => ({ ...a, line })));
}

function allocationsTable(order) {
  return dataTable({
    caption: 'Allocated units', captionHidden: true, csvName: `order-${order.id}-allocation.csv`, noun: 'units',
    empty: 'Nothing allocated yet.',
    rows: allocationRows(order),
    sort: [{ id: 'expires_at', desc: false }],
    columns: [
      { id: 'din', label: 'DIN', header: true, value: (a) => a.eye_readable, cell: (a) => chain.dinText(a) },
      { id: 'product_code', label: 'Product', value: (a) => a.product_code },
      { id: 'line', label: 'For', value: (a) => `${a.line.family} ${a.line.group}`, phone: false },
      { id: 'group', label: 'Unit group', value: (a) => a.group },
      { id: 'substitution', label: 'Substitution', value: (a) => (a.substitution ? 'yes' : 'no'),
        cell: (a) => (a.substitution ? h('strong', { class: 'badge badge-pending' }, `substitution: ${a.group} for ${a.line.group}`) : 'no') },
      { id: 'expires_at', label: 'Expires', value: (a) => a.expires_at, cell: (a) => format.timestamp(a.expires_at) },
    ],
  });
}

function linesTable(order) {
  return dataTable({
    caption: 'Lines', captionHidden: true, csvName: `order-${order.id}-lines.csv`, noun: 'lines',
    empty: 'No line yet.',
    rows: order.lines,
    columns: [
      { id: 'family', label: 'Family', header: true, value: (l) => l.family },
      { id: 'group', label: 'ABO/RhD', value: (l) => l.group },
      { id: 'attributes', label: 'Attributes', value: attributesText },
      { id: 'quantity', label: 'Ordered', numeric: true, value: (l) => l.quantity },
      { id: 'allocated', label: 'Allocated', numeric: true, value: (l) => l.allocated },
      { id: 'backorder', label: 'Owed', numeric: true, value: (l) => l.backorder },
    ],
  });
}

/* The shipping form: each DIN scanned goes into the list (Enter adds it
 * and the scanner's next read goes into the same box); then shipper and
 * temperature. A refusal naming scans[N] is shown beside that DIN. */
function shipForm(context, order) {
  const scanned = [];
  const listElement = h('ol', { class: 'scan-list', 'aria-live': 'polite', 'aria-label': 'DINs scanned' });
  const count = h('p', { class: 'field-hint', role: 'status' }, 'No DIN scanned yet.');
  const draw = (errors = {}) => {
    replace(listElement, scanned.map((din, i) => h('li', { class: errors[i] ? 'scan-refused' : null }, h('span', { class: 'din-eye-readable' }, din),
      errors[i] ? h('span', { class: 'field-error' }, ` ${errors[i]}`) : null, ' ',
      h('button', { type: 'button', class: 'button-secondary button-small', 'aria-label': `Remove ${din}`, onClick: () => { scanned.splice(i, 1); draw(); } }, 'Remove'))));
    replace(count, scanned.length ? `${scanned.length} DIN${scanned.length === 1 ? '' : 's'} scanned.` : 'No DIN scanned yet.');
  };
  const scan = chain.dinField({
    name: 'scan', label: 'Scan a DIN',
    hint: 'Scan each unit\u2019s DIN: Enter adds it to the list and the next scan goes in the same box.',
    onEnter: (input) => {
      const din = chain.cleanDin(input.value);
      if (din && !scanned.includes(din)) scanned.push(din);
      input.value = '';
      draw();
      input.focus();
    },
  });
  const scansField = {
    name: 'scans', element: h('div', { class: 'field' }, scan.element, count, listElement), input: scan.input,
    value: () => '', setError: (text) => scan.setError(text), clearError: () => scan.clearError(), focus: () => scan.focus(),
  };
  const shipper = field({ name: 'shipper', label: 'Shipper', required: true, maxlength: '200' });
  const temperature = field({ name: 'temperature', label: 'Packing temperature (\u00b0C)', required: true, inputmode: 'decimal', size: '6' });
  const shown = form({
    label: 'Ship',
    submitLabel: 'Ship the scanned units',
    className: 'form form-phone',
    fields: [scansField, shipper, temperature],
    onSubmit: async (values) => {
      const pending = chain.cleanDin(scan.input.value);
      if (pending && !scanned.includes(pending)) scanned.push(pending);
      scan.input.value = '';
      draw();
      try {
        const shipment = await api.post('/api/v1/shipments', {
          order: order.id, scans: scanned.map((din) => ({ din })), shipper: values.shipper, temperature: values.temperature,
        }, { idempotencyKey: api.idempotencyKey() });
        registry.flash(`Shipment ${shipment.id} of ${shipment.units.length} units to ${shipment.hospital} is recorded.`);
        context.navigate(`/shipments/${shipment.id}`);
      } catch (error) {
        const match = error.field && /^scans\[(\d+)\]/.exec(error.field);
        if (match) {
          draw({ [Number(match[1])]: error.message });
          scan.setError(error.message);
          scan.focus();
          return;
        }
        throw error;
      }
    },
  });
  return shown;
}

async function shipmentsList(order) {
  const answer = await api.get('/api/v1/shipments', { order: order.id });
  if (!answer.items.length) return null;
  return dataTable({
    caption: 'Shipments', captionHidden: true, csvName: `order-${order.id}-shipments.csv`, noun: 'shipments',
    rows: answer.items,
    columns: [
      { id: 'id', label: 'Shipment', header: true, value: (s) => s.id, cell: (s) => h('a', { href: `/shipments/${s.id}` }, `Shipment ${s.id}`) },
      { id: 'ship_date', label: 'Shipped', value: (s) => s.ship_date, cell: (s) => format.date(s.ship_date) },
      { id: 'units', label: 'Units', numeric: true, value: (s) => s.units },
      { id: 'total', label: 'Total', numeric: true, value: (s) => format.cents(s.total), cell: (s) => format.money(s.total, { cents: true }), csv: (s) => s.total },
    ],
  }).element;
}

export async function renderOne(context) {
  const order = await registry.loadRecord(context, {
    path: API, noun: 'order', param: 'id', keyName: 'id', title: (o) => `Order ${o.id}`, back: ['/orders', 'Back to the open orders'],
  });
  if (!order) return;
  const shipments = await shipmentsList(order);
  if (!context.active()) return;
  const writes = session.can('orders.write') && order.status === 'open';
  const allocated = allocationRows(order).length;
  const allocate = writes && order.backorder > 0 && order.lines.length ? form({
    label: 'Allocate', submitLabel: 'Allocate units', fields: [],
    onSubmit: async () => {
      const after = await api.post(`${API}/${order.id}/allocate`, {}, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`${after.units_allocated} of ${after.units_ordered} units allocated${after.backorder ? `; ${after.backorder} still owed` : ''}.`);
      context.navigate(`/orders/${order.id}`, { replace: true });
    },
  }) : null;
  const undo = writes && allocated ? confirmedForm({
    label: 'Undo the allocation', submitLabel: 'Undo the allocation…',
    fields: [field({ name: 'reason', label: 'Reason', maxlength: '500' })],
    confirm: () => ({ title: `Put the ${allocated} allocated units back on the shelf?`, text: 'The lines are owed again.', confirmLabel: 'Undo the allocation' }),
    onConfirm: async (values) => {
      await api.post(`${API}/${order.id}/unallocate`, registry.filled(values), { idempotencyKey: api.idempotencyKey() });
      registry.flash('The allocation is undone.');
      context.navigate(`/orders/${order.id}`, { replace: true });
    },
  }) : null;
  /* Cancelling: what is allocated and not shipped goes back on the shelf;
   * the reason is kept on the order. */
  const cancel = writes ? confirmedForm({
    label: 'Cancel the order', submitLabel: 'Cancel the order…',
    fields: [field({ name: 'reason', label: 'Reason', required: true, maxlength: '500', autocomplete: 'off' })],
    confirm: () => ({
      title: `Cancel order ${order.id} from ${order.hospital}?`,
      /* no count: the allocations listed include units already shipped,
       * which stay shipped */
      text: allocated ? 'Its allocated units not yet shipped go back on the shelf; what it shipped stays shipped. A cancelled order cannot be opened again.' : 'A cancelled order cannot be opened again.',
      confirmLabel: 'Cancel the order',
      cancelLabel: 'Keep the order',
    }),
    onConfirm: async (values) => {
      await api.post(`${API}/${order.id}/cancel`, registry.filled(values), { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Order ${order.id} is cancelled.`);
      context.navigate(`/orders/${order.id}`, { replace: true });
    },
  }) : null;
  const cancelled = order.status === 'cancelled'
    ? [['Cancelled', `${format.timestamp(order.cancelled_at)} by ${order.cancelled_by}`], ['Why', order.cancel_reason]] : [];
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/orders' }, 'Open orders'), ' › ', `Order ${order.id}`),
    h('h1', null, `Order ${order.id}: ${order.hospital_name}`),
    registry.notices().element,
    order.overdue ? message('error', `This order is ${clockText(order)}.`) : null,
    h('section', { class: 'panel', 'aria-labelledby': 'order-details' }, h('h2', { id: 'order-details' }, 'Details'),
      registry.details([['Hospital', `${order.hospital} ${order.hospital_name}`], ['Priority', order.priority.toUpperCase()],
        ['Ordered', format.timestamp(order.ordered_at)], ['Ship by', format.timestamp(order.deadline)], ['Clock', clockCell(order)],
        ['Needed by', format.timestamp(order.needed_by)], ['Status', order.status],
        ...(order.standing_order ? [['Taken', h('a', { href: `/standing-orders/${order.standing_order}` }, `from standing order ${order.standing_order}`)]] : []),
        ...cancelled])),
    h('section', { class: 'panel', 'aria-labelledby': 'order-lines' }, h('h2', { id: 'order-lines' }, 'Lines'), linesTable(order).element,
      writes ? lineForm(context, order).element : null),
    h('section', { class: 'panel', 'aria-labelledby': 'order-allocation' }, h('h2', { id: 'order-allocation' }, 'Allocation'),
      allocationsTable(order).element, allocate ? allocate.element : null, undo),
    writes && allocated ? h('section', { class: 'panel', 'aria-labelledby': 'order-ship' }, h('h2', { id: 'order-ship' }, 'Ship'), shipForm(context, order).element) : null,
    shipments ? h('section', { class: 'panel', 'aria-labelledby': 'order-shipments' }, h('h2', { id: 'order-shipments' }, 'Shipments'), shipments) : null,
    cancel ? h('section', { class: 'panel', 'aria-labelledby': 'order-cancel' }, h('h2', { id: 'order-cancel' }, 'Cancel'), cancel) : null);
}
