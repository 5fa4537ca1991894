// pages/inventory.js - the inventory (/inventory, docs/collections.md): the
// units on the shelves of the donor centers counted by center, product family
// and ABO/RhD, across the days-to-expiry bands, with the totals of each row,
// each band and the whole, each line's units available and allocated to
// orders apart; filtered by center, family and status (kept in the URL).
// Beside them the open orders' demand (docs/distribution.md): the units
// ordered and not allocated yet by family and group, the shortfall, and on
// each line of a family and group in demand its warnings (units expiring
// within 0-1 or 2-3 days, "short by N"), in words and colour, all as the
// server computes them. Every count links to the units it counts
// (/inventory/units, with the count's center, family, group, status and
// band; the allocated count with status allocated), listed nearest expiry
// first, a unit expiring today or tomorrow highlighted and saying so, an
// allocated unit naming its order. On a phone each line of the inventory is
// a card: its total, nearest expiry, available, allocated, demand and
// warnings.

import * as api from '../api.js';
import { h, message, replace } from '../dom.js';
import { dataTable, apiLoader } from '../data_table.js';
import * as format from '../format.js';
import * as chain from '../chain.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/inventory', render, title: 'Inventory', capability: 'inventory',
    nav: { area: 'distribution', order: 10, label: 'Inventory', description: 'Units on the shelves by center, family, ABO/RhD and days to expiry.' } },
  { pattern: '/inventory/units', render: renderUnits, title: 'Units on the shelves', capability: 'inventory',
    nav: { area: 'distribution', order: 20, label: 'Shelf units', description: 'Every unit on the shelves, nearest expiry first; the units behind each inventory count.' } },
];

/* The bands of the server, in order, and how each reads. */
const BANDS = ['expired', '0-1', '2-3', '4-7', '8-14', '15+'];
const bandLabel = (band) => (band === 'expired' ? 'Expired' : `${band} days`);

/* Where a family comes in the reference data's order. */
const familyRank = (family) => chain.families().findIndex((f) => f.value === family);

/* Band labels in order: by the first number in them ("0-2 days" before
 * "3-7 days"), "expired" first, the open-ended last. */
function bandOrder(bands) {
  const key = (band) => {
    if (/expired/i.test(band)) return -1;
    const match = /(\d+)/.exec(band);
    return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
  };
  return [...bands].sort((a, b) => key(a) - key(b) || (a < b ? -1 : 1));
}

function select(id, name, options, value) {
  const element = h('select', { id, name }, options.map((o) => h('option', { value: o.value }, o.label)));
  element.value = value;
  return element;
}

/* The page listing the units a count counts: the line's center, family
 * and group with the page's status (or `status`, the allocated count), or
 * the page's filters for the totals, and the band. */
function unitsHref(line, params, band, status) {
  const query = line.total_row
    ? { ...params }
    : { center: line.center, family: line.family, group: line.group, status: params.status };
  if (status) query.status = status;
  if (band) query.band = band;
  return `/inventory/units${api.query(query)}`;
}

/* A count, linked to its units (none: no link). */
function countLink(count, href, what) {
  if (!count) return '0';
  return h('a', { href, 'aria-label': `${format.integer(count)} unit${count === 1 ? '' : 's'}: ${what}` }, format.integer(count));
}

/* What a line is, in words (the links' names). */
function lineName(line) {
  return line.total_row ? 'every line' : [line.center, chain.familyLabel(line.family), chain.groupText(line.group)].join(', ');
}

/* The nearest expiry of a line, the phone's summary of its bands: the
 * units already expired (not swept yet) and the first band holding units. */
function nearestExpiry(line, bands, href) {
  const parts = [];
  if (line.by_band.expired) parts.push(h('a', { href: href('expired') }, `${format.integer(line.by_band.expired)} expired`));
  const band = bands.find((b) => b !== 'expired' && line.by_band[b]);
  if (band) parts.push(h('a', { href: href(band) }, `${format.integer(line.by_band[band])} in ${bandLabel(band)}`));
  if (!parts.length) return '—';
  return h('span', { class: 'expiry' }, parts);
}

/* How urgent a warning of the server is: its units expiring within 0-1
 * days and a shortfall are urgent, within 2-3 days soon. */
const warningClass = (warning) => `badge inventory-warning inventory-warning-${warning.kind === 'expiring_2_3' ? 'soon' : 'urgent'}`;

/* A line's warnings in words and colour (none: nothing). */
function warnings(line) {
  if (!line.warnings || !line.warnings.length) return '';
  return h('span', { class: 'inventory-warnings' },
    line.warnings.map((w) => h('strong', { class: warningClass(w) }, w.message)));
}

/* What the open orders still owe of a line's family and group. */
const demandText = (line) => (line.backorder
  ? h('span', { 'aria-label': `${format.integer(line.backorder)} backordered` }, format.integer(line.backorder))
  : '—');

function inventoryTable(data, params) {
  // Every band the server counts (its totals name them all), so that the
  // columns stay the same whatever the filter; the lines and totals are the
  // server's.
  const bands = bandOrder(Object.keys(data.totals.by_band));
  const lines = [...data.lines].sort((a, b) => (a.center < b.center ? -1 : a.center > b.center ? 1 : 0)
    || familyRank(a.family) - familyRank(b.family)
    || chain.groupRank(a.group) - chain.groupRank(b.group));
  if (!lines.length) return h('p', { class: 'empty' }, 'No unit on the shelves matches.');
  const href = (line, band, status) => unitsHref(line, params, band, status);
  const columns = [
    { id: 'center', label: 'Center', value: (l) => (l.total_row ? 'Total' : l.center), header: true },
    { id: 'family', label: 'Family', value: (l) => (l.total_row ? '' : chain.familyLabel(l.family)) },
    { id: 'group', label: 'ABO/RhD', value: (l) => (l.total_row ? '' : chain.groupText(l.group)) },
    // What the open orders still owe of the line's family and group, and
    // the warnings: first, so that they are seen without scrolling.
    { id: 'demand', label: 'Demand', numeric: true, value: (l) => (l.total_row ? '' : l.backorder), cell: (l) => (l.total_row ? '' : demandText(l)) },
    { id: 'warning', label: 'Warning', sortable: false, value: (l) => (l.warnings || []).map((w) => w.message).join('; '), cell: warnings },
  ];
  for (const band of bands) {
    columns.push({
      id: `band ${band}`, label: bandLabel(band), numeric: true, phone: false,
      value: (l) => l.by_band[band] || 0,
      cell: (l) => countLink(l.by_band[band] || 0, href(l, band), `${lineName(l)}, ${bandLabel(band)}`),
    });
  }
  columns.push({
    id: 'nearest', label: 'Nearest expiry', phone: 'only', sortable: false, csv: false, value: () => '',
    cell: (l) => nearestExpiry(l, bands, (band) => href(l, band)),
  });
  columns.push({ id: 'available', label: 'Available', numeric: true, value: (l) => l.available, cell: (l) => format.integer(l.available) });
  columns.push({
    id: 'allocated', label: 'Allocated', numeric: true, value: (l) => l.allocated,
    cell: (l) => countLink(l.allocated, href(l, null, 'allocated'), `${lineName(l)}, allocated to orders`),
  });
  columns.push({ id: 'total', label: 'Total', numeric: true, value: (l) => l.count, cell: (l) => countLink(l.count, href(l, null), lineName(l)) });
  const totalRow = {
    total_row: true, by_band: data.totals.by_band, count: data.totals.count,
    available: data.totals.available, allocated: data.totals.allocated,
  };
  return dataTable({
    caption: `Units by center, family and ABO/RhD, by days to expiry, available and allocated${data.as_of ? ` (as of ${chain.when(data.as_of)})` : ''}`,
    captionHidden: false,
    csvName: 'inventory.csv',
    tableClass: 'inventory-table',
    pageSize: 100,
    rows: lines,
    foot: [totalRow],
    rowClass: (l) => (l.warnings && l.warnings.length ? 'row-demand-warning' : null),
    columns,
  }).element;
}

/* The families and groups the open orders still owe units of, beside the
 * units available for them on the shelves shown: what is short. */
function demandTable(data) {
  if (!data.demand.length) return h('p', { class: 'empty demand-none' }, 'No open order is waiting for units.');
  return dataTable({
    caption: 'Demand of the open orders: units ordered, not allocated yet',
    captionHidden: false,
    csvName: 'inventory-demand.csv',
    tableClass: 'demand-table',
    rows: data.demand,
    rowClass: (d) => (d.short ? 'row-demand-warning' : null),
    columns: [
      { id: 'family', label: 'Family', value: (d) => chain.familyLabel(d.family), header: true },
      { id: 'group', label: 'ABO/RhD', value: (d) => chain.groupText(d.group) },
      { id: 'orders', label: 'Open orders', numeric: true, value: (d) => d.orders,
        cell: (d) => (session.can('orders')
          ? h('a', { href: '/orders', 'aria-label': `${d.orders} open order${d.orders === 1 ? '' : 's'} (the board)` }, format.integer(d.orders))
          : format.integer(d.orders)) },
      { id: 'backorder', label: 'Backordered', numeric: true, value: (d) => d.backorder },
      { id: 'available', label: 'Available', numeric: true, value: (d) => d.available },
      { id: 'short', label: 'Short', value: (d) => d.short,
        cell: (d) => (d.short ? h('strong', { class: 'badge inventory-warning inventory-warning-urgent' }, `short by ${format.integer(d.short)}`) : 'covered') },
    ],
  }).element;
}

/* The totals by family and by ABO/RhD: what the shelves hold at a glance. */
function summaries(data) {
  const rows = data.rows;
  if (!rows.length) return null;
  const families = Object.entries(data.totals.by_family).sort((a, b) => familyRank(a[0]) - familyRank(b[0]));
  const groups = Object.keys(data.totals.by_group).sort((a, b) => chain.groupRank(a) - chain.groupRank(b));
  return h('div', { class: 'cards' },
    families.map(([family, count]) => h('div', { class: 'card' },
      h('p', { class: 'card-title' }, chain.familyLabel(family)),
      h('p', { class: 'card-value' }, format.integer(count)),
      h('p', { class: 'card-detail' }, groups.filter((g) => rows.some((r) => r.family === family && r.group === g))
        .map((g) => `${chain.groupText(g)}: ${rows.filter((r) => r.family === family && r.group === g).reduce((n, r) => n + r.count, 0)}`).join(', ')))));
}

export async function render(context) {
  const params = {
    center: context.query.get('center') || '',
    family: context.query.get('family') || '',
    status: context.query.get('status') || '',
  };
  const [centers] = await Promise.all([chain.centerOptions('Every center', { all: true }), chain.reference()]);
  if (!context.active()) return;
  const center = select('inv-center', 'center', centers, params.center);
  const family = select('inv-family', 'family', [{ value: '', label: 'Every family' }, ...chain.families()], params.family);
  // The statuses counted in inventory, as the server says.
  const status = select('inv-status', 'status', [{ value: '', label: 'On the shelf (every status)' },
    ...chain.unitStatuses().filter((s) => s.inInventory)], params.status);
  const error = h('p', { class: 'field-error', id: 'inv-error', hidden: true });
  const filters = h('form', {
    class: 'toolbar-form search-form', role: 'search', 'aria-label': 'Filter the inventory',
    onSubmit: (event) => {
      event.preventDefault();
      context.navigate(`/inventory${api.query({ center: center.value, family: family.value, status: status.value })}`);
    },
  },
  h('div', { class: 'inline-field' }, h('label', { for: 'inv-center' }, 'Center'), center),
  h('div', { class: 'inline-field' }, h('label', { for: 'inv-family' }, 'Family'), family),
  h('div', { class: 'inline-field' }, h('label', { for: 'inv-status' }, 'Status'), status),
  h('button', { type: 'submit', class: 'button-secondary' }, 'Show'),
  error);
  const body = h('div', { class: 'inventory' }, h('p', { class: 'loading' }, 'Counting the units…'));
  replace(context.main, h('h1', null, 'Inventory'), filters, body);
  let data;
  try {
    data = await api.get('/api/v1/inventory', params);
  } catch (failure) {
    if (!context.active()) return;
    const control = { center, family, status }[failure.field];
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', 'inv-error');
      error.hidden = false;
      replace(error, h('span', { class: 'visually-hidden' }, 'Error: '), failure.message);
      replace(body);
      return;
    }
    replace(body, message('error', `The inventory cannot be read: ${failure.message}`));
    return;
  }
  if (!context.active()) return;
  const total = data.totals.count;
  replace(body,
    h('p', { class: 'list-count', role: 'status' }, `${format.integer(total)} unit${total === 1 ? '' : 's'} on the shelves${data.as_of ? ` as of ${chain.when(data.as_of)}` : ''}, ${format.integer(data.totals.available)} available, ${format.integer(data.totals.allocated)} allocated to orders.`),
    summaries(data),
    h('h2', null, 'Demand'),
    demandTable(data),
    h('h2', null, 'On the shelves'),
    inventoryTable(data, params));
}

/* --- the units behind a count --------------------------------------------- */

/* The order an allocated unit is allocated to, linked to the order's page
 * for those who may read orders. */
function orderCell(unit) {
  if (!unit.order) return '—';
  const text = `Order ${unit.order}`;
  return session.can('orders') ? h('a', { href: `/orders/${unit.order}` }, text) : text;
}

export async function renderUnits(context) {
  const [centers] = await Promise.all([chain.centerOptions('Every center', { all: true }), chain.reference()]);
  if (!context.active()) return;
  const list = dataTable({
    caption: 'Units on the shelves',
    csvName: 'shelf-units.csv',
    empty: 'No unit on the shelves matches.',
    url: true,
    load: apiLoader('/api/v1/units'),
    // The nearest expiry first: what leaves the shelf soonest.
    sort: [{ id: 'expires_at', desc: false }],
    filters: [
      { id: 'center', label: 'Center', type: 'select', all: 'Every center', options: centers.filter((o) => o.value) },
      { id: 'family', label: 'Family', type: 'select', all: 'Every family', options: chain.families() },
      { id: 'group', label: 'ABO/RhD', type: 'select', all: 'Every group', options: chain.groupChoices() },
      { id: 'status', label: 'Status', type: 'select', all: 'On the shelf (every status)', options: chain.unitStatuses().filter((s) => s.inInventory) },
      { id: 'band', label: 'Days to expiry', type: 'select', all: 'Any', options: BANDS.map((b) => ({ value: b, label: bandLabel(b) })) },
    ],
    rowClass: chain.expiryRowClass,
    columns: [
      { id: 'din', label: 'DIN', value: (u) => u.eye_readable || u.din, header: true,
        cell: (u) => h('a', { href: `/units/lookup?din=${encodeURIComponent(u.din)}` }, chain.dinText(u)) },
      { id: 'product_code', label: 'Product', value: (u) => `${u.product_code} ${u.division || '00'}` },
      { id: 'family', label: 'Family', value: (u) => chain.familyLabel(u.family), phone: false },
      { id: 'center', label: 'Center', value: (u) => u.center, phone: false },
      { id: 'group', label: 'ABO/RhD', value: (u) => chain.group(u.abo, u.rhd) },
      { id: 'status', label: 'Status', value: (u) => chain.statusLabel(u.status), cell: (u) => chain.statusBadge(u.status) },
      { id: 'hold', label: 'Why held', value: (u) => u.hold || '', cell: (u) => u.hold || '—' },
      { id: 'order', label: 'Allocated to', sortable: false, value: (u) => (u.order ? `order ${u.order}` : ''), cell: orderCell },
      { id: 'expires_at', label: 'Expires', value: (u) => u.expires_at, cell: (u) => chain.when(u.expires_at, u.time_zone), phone: false },
      { ...chain.daysToExpiryColumn, sortable: false },
    ],
  });
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/inventory' }, 'Inventory'), ' › Units'),
    h('h1', null, 'Units on the shelves'),
    list.element);
  await list.ready;
}
