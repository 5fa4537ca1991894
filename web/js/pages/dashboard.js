// pages/dashboard.js - the dashboard of a quarter (/dashboard?quarter=2004Q1)
// from GET /api/v1/reports/dashboard: cards of the key figures with their
// change against the same quarter a year earlier (arrow, words and colour),
// revenue by segment over every quarter on record (stacked bars), gross
// profit by donor center (ongoing and closed told apart by colour and
// label), and the largest movements of the income statement.

import * as api from '../api.js';
import { figure, draw, dollars, COLORS } from '../charts.js';
import { h, hidden, message, replace, table } from '../dom.js';
import * as format from '../format.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/dashboard', render, title: 'Dashboard', capability: 'reports',
    nav: { area: 'finance', order: 10, label: 'Dashboard', description: 'Key figures and charts of a quarter against the same quarter a year earlier.' } },
];

const TYPE_LABELS = {
  revenue: 'Revenue',
  cost_of_revenue: 'Cost of revenue',
  general_administrative: 'General and administrative',
  other: 'Other expense (income)',
  income_tax: 'Income taxes',
};

/*
 * The change line of a card. `delta` is {amount, percent} (amount in the
 * card's unit), `show(amount)` formats an absolute amount, `higherIsBetter`
 * chooses the colour. Direction is said in words and by the arrow, never
 * by colour alone.
 */
function changeLine(delta, { show, higherIsBetter = true, priorLabel, priorText }) {
  if (!delta) return h('p', { class: 'card-change change-none' }, 'No comparison available');
  const direction = delta.amount > 0 ? 'up' : delta.amount < 0 ? 'down' : 'flat';
  const good = direction === 'flat' ? null : (direction === 'up') === higherIsBetter;
  const arrow = { up: '▲', down: '▼', flat: '▬' }[direction];
  const words = { up: 'Up', down: 'Down', flat: 'No change' }[direction];
  const amount = direction === 'flat' ? '' : ` ${show(Math.abs(delta.amount))}`;
  const percent = delta.percent === null || delta.percent === undefined ? '' : ` (${format.percentChange(delta.percent)})`;
  const tone = good === null ? 'change-flat' : good ? 'change-good' : 'change-bad';
  return h('p', { class: `card-change ${tone}` },
    h('span', { class: 'arrow', 'aria-hidden': 'true' }, arrow), ' ',
    h('span', { class: 'change-text' }, `${words}${amount}${percent}`),
    good === null ? null : hidden(good ? ' (favourable)' : ' (unfavourable)'),
    h('span', { class: 'card-prior' }, ` vs ${priorLabel}: ${priorText}`));
}

function card({ title, value, detail, change }) {
  return h('article', { class: 'card' },
    h('h3', { class: 'card-title' }, title),
    h('p', { class: 'card-value' }, value),
    detail ? h('p', { class: 'card-detail' }, detail) : null,
    change);
}

/* Tenths of a percent from "21.2" -> 212. */
function tenths(text) {
  if (text === null || text === undefined) return null;
  const [whole, fraction = '0'] = String(text).replace('-', '').split('.');
  const value = Number(whole) * 10 + Number(fraction.slice(0, 1));
  return String(text).startsWith('-') ? -value : value;
}

function points(amountTenths) {
  return `${Math.floor(amountTenths / 10)}.${amountTenths % 10} pts`;
}

function cards(report) {
  const now = report.current;
  const before = report.prior;
  const changes = report.changes || {};
  const priorLabel = before ? format.quarter(before.period) : '';
  // The API's own changes where it has them, else computed the same way.
  const moneyDelta = (key) => {
    if (!before) return null;
    if (changes[key]) return { amount: format.cents(changes[key].amount), percent: changes[key].percent };
    return format.change(format.cents(now[key]), format.cents(before[key]));
  };
  const moneyChange = (key) => changeLine(moneyDelta(key),
    { show: (a) => format.money(a), priorLabel, priorText: before ? format.money(before[key]) : '' });
  const eps = (key) => changeLine(
    before && now[key] !== null && before[key] !== null ? format.change(format.cents(now[key]), format.cents(before[key])) : null,
    { show: (a) => format.money(a, { cents: true }), priorLabel, priorText: before ? format.money(before[key], { cents: true }) : '' });
  const positionChange = (key) => changeLine(
    before ? format.change(format.cents(now.position[key]), format.cents(before.position[key])) : null,
    { show: (a) => format.money(a), priorLabel, priorText: before ? format.money(before.position[key]) : '' });
  const margin = before && now.gross_margin_percent !== null && before.gross_margin_percent !== null
    ? { amount: tenths(now.gross_margin_percent) - tenths(before.gross_margin_percent), percent: null } : null;
  const dso = before && now.position.dso_days !== null && before.position.dso_days !== null
    ? format.change(now.position.dso_days, before.position.dso_days) : null;

  return h('section', { class: 'cards', 'aria-labelledby': 'key-figures' },
    h('h2', { id: 'key-figures', class: 'visually-hidden' }, 'Key figures'),
    card({ title: 'Revenue', value: format.money(now.revenue), change: moneyChange('revenue') }),
    card({ title: 'Gross profit', value: format.money(now.gross_profit), change: moneyChange('gross_profit') }),
    card({ title: 'Gross margin', value: format.percent(now.gross_margin_percent),
      change: changeLine(margin, { show: points, priorLabel, priorText: before ? format.percent(before.gross_margin_percent) : '' }) }),
    card({ title: 'Net income', value: format.money(now.net_income), change: moneyChange('net_income') }),
    card({ title: 'EPS, diluted', value: format.money(now.eps_diluted, { cents: true }),
      detail: `${format.integer(now.shares_diluted)} weighted shares`, change: eps('eps_diluted') }),
    card({ title: 'EPS, basic', value: format.money(now.eps_basic, { cents: true }),
      detail: `${format.integer(now.shares_basic)} weighted shares`, change: eps('eps_basic') }),
    card({ title: 'Days sales outstanding', value: now.position.dso_days === null ? 'n/a' : `${now.position.dso_days} days`,
      detail: `Net receivables ${format.money(now.position.net_receivables)}`,
      change: changeLine(dso, { show: (a) => `${a} ${a === 1 ? 'day' : 'days'}`, higherIsBetter: false, priorLabel,
        priorText: before && before.position.dso_days !== null ? `${before.position.dso_days} days` : 'n/a' }) }),
    card({ title: 'Working capital', value: format.money(now.position.working_capital),
      detail: `At ${format.date(now.position.date)}`, change: positionChange('working_capital') }));
}

function revenueChart(data, onCleanup) {
  const rows = data.revenue_by_segment;
  const last = rows[rows.length - 1];
  const summary = rows.length
    ? `Stacked bar chart of revenue by segment for ${rows.length} quarters, ${format.quarter(rows[0].period)} to ${format.quarter(last.period)}. `
      + `${format.quarter(last.period)}: blood products ${format.money(last.blood_products)}, blood services ${format.money(last.blood_services)}, total ${format.money(last.total)}.`
    : 'No revenue on record.';
  const { element, canvas } = figure({
    title: 'Revenue by segment, by quarter',
    summary,
    columns: [
      { label: 'Quarter', value: (r) => format.quarter(r.period), header: true },
      { label: 'Blood products', value: (r) => format.money(r.blood_products), numeric: true },
      { label: 'Blood services', value: (r) => format.money(r.blood_services), numeric: true },
      { label: 'Total', value: (r) => format.money(r.total), numeric: true },
    ],
    rows,
  });
  return {
    element,
    draw: () => draw(canvas, {
      labels: rows.map((r) => format.quarter(r.period)),
      stacked: true,
      datasets: [
        { label: 'Blood products', data: rows.map((r) => dollars(r.blood_products)), color: COLORS.bloodProducts },
        { label: 'Blood services', data: rows.map((r) => dollars(r.blood_services)), color: COLORS.bloodServices },
      ],
    }, onCleanup),
  };
}

function centerLabel(center) {
  return center.status === 'closed' ? `${center.code} (closed)` : center.code;
}

function centersChart(report, onCleanup) {
  const centers = report.current.centers || [];
  const quarter = format.quarter(report.current.period);
  const summary = centers.length
    ? `Bar chart of gross profit by donor center in ${quarter}: `
      + centers.map((c) => `${centerLabel(c)} ${format.money(c.gross_profit)}`).join('; ') + '.'
    : `No donor center had postings in ${quarter}.`;
  const { element, canvas } = figure({
    title: `Gross profit by donor center, ${quarter}`,
    summary,
    columns: [
      { label: 'Donor center', value: (c) => `${centerLabel(c)} ${c.name}`, header: true },
      { label: 'Status', value: (c) => (c.status === 'closed' ? 'Closed' : 'Ongoing') },
      { label: 'Revenue', value: (c) => format.money(c.revenue), numeric: true },
      { label: 'Gross profit', value: (c) => format.money(c.gross_profit), numeric: true },
      { label: 'Margin', value: (c) => format.percent(c.gross_margin_percent), numeric: true },
    ],
    rows: centers,
  });
  return {
    element,
    draw: () => draw(canvas, {
      labels: centers.map(centerLabel),
      valueLabels: true,
      datasets: [
        { label: 'Ongoing centers', data: centers.map((c) => (c.status === 'closed' ? null : dollars(c.gross_profit))), color: COLORS.ongoing },
        { label: 'Closed centers', data: centers.map((c) => (c.status === 'closed' ? dollars(c.gross_profit) : null)), color: COLORS.closed, borderColor: '#4b5058', borderWidth: 2 },
      ],
    }, onCleanup),
  };
}

function movementsTable(data) {
  const current = format.quarter(data.report.current.period);
  const prior = data.report.prior ? format.quarter(data.report.prior.period) : 'Prior';
  if (!data.movements.length) return h('p', null, 'No income-statement account moved.');
  return table({
    caption: `Largest movements, ${current} against ${prior}`,
    captionHidden: true,
    columns: [
      { label: 'Account', value: (m) => `${m.code} ${m.name}`, header: true },
      { label: 'Type', value: (m) => TYPE_LABELS[m.type] || m.type },
      { label: current, value: (m) => format.money(m.current), numeric: true },
      { label: prior, value: (m) => format.money(m.prior), numeric: true },
      { label: 'Change', value: (m) => format.money(m.change), numeric: true },
      { label: 'Change %', value: (m) => format.percentChange(m.percent), numeric: true },
    ],
    rows: data.movements,
  });
}

function quarterPicker(data, context) {
  const quarters = data.quarters_on_record.includes(data.quarter) ? data.quarters_on_record : [...data.quarters_on_record, data.quarter];
  const select = h('select', { id: 'quarter-select', name: 'quarter' },
    [...quarters].sort().reverse().map((q) => h('option', { value: q }, format.quarter(q))));
  select.value = data.quarter;
  return h('form', {
    class: 'toolbar-form no-print',
    onSubmit: (event) => {
      event.preventDefault();
      context.navigate(`/dashboard?quarter=${encodeURIComponent(select.value)}`);
    },
  },
  h('label', { for: 'quarter-select' }, 'Quarter'), select,
  h('button', { type: 'submit', class: 'button-secondary' }, 'Show'));
}

export async function render(context) {
  const asked = context.query.get('quarter');
  replace(context.main, h('h1', null, 'Dashboard'), h('p', { class: 'loading' }, 'Loading the figures…'));
  let data;
  try {
    data = await api.get('/api/v1/reports/dashboard', { quarter: asked });
  } catch (error) {
    if (!context.active()) return;
    replace(context.main, h('h1', null, 'Dashboard'),
      message('error', error.field === 'quarter' ? `${asked} cannot be shown: ${error.message}` : error.message),
      asked ? h('p', null, h('a', { href: '/dashboard' }, 'Show the latest quarter')) : null);
    return;
  }
  if (!context.active()) return;
  if (!asked && data.quarter) history.replaceState(null, '', `/dashboard?quarter=${encodeURIComponent(data.quarter)}`);
  const report = data.report;
  const title = `Dashboard, ${format.quarter(data.quarter)}`;
  context.setTitle(title);
  const revenue = revenueChart(data, context.onCleanup);
  const centers = centersChart(report, context.onCleanup);
  replace(context.main,
    h('div', { class: 'page-head' },
      h('div', null,
        h('h1', null, title),
        h('p', { class: 'muted' }, report.prior
          ? `${format.date(report.current.first_day)} to ${format.date(report.current.last_day)}, compared with ${format.quarter(report.prior.period)}.`
          : `${format.date(report.current.first_day)} to ${format.date(report.current.last_day)}.`)),
      quarterPicker(data, context)),
    data.quarters_on_record.length ? null : message('info', 'There are no postings in the ledger yet: every figure is zero.'),
    cards(report),
    h('section', { class: 'charts', 'aria-label': 'Charts' }, revenue.element, centers.element),
    h('section', { class: 'panel', 'aria-labelledby': 'movements-title' },
      h('h2', { id: 'movements-title' }, 'Largest movements against the same quarter a year earlier'),
      movementsTable(data)),
    h('p', { class: 'no-print' }, h('a', { href: `/quarterly?period=${encodeURIComponent(data.quarter)}` },
      `Full quarterly results for ${format.quarter(data.quarter)}`)));
  revenue.draw();
  centers.draw();
}
