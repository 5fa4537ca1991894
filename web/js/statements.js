// statements.js - the tables of the published quarterly release, built from
// the quarterly results JSON (docs/reports.md): condensed statements of
// operations and balance sheets, revenue and gross profit by segment, gross
// margin, G&A by account, working capital and DSO, gross profit by donor
// center, the line of credit and its covenants; beside revenue, the net
// units sold by family and the apheresis procedures by market. The same
// rows, in the same order, as `bloodops report quarterly`.

import { h, scroller } from './dom.js';
import * as format from './format.js';

/*
 * A financial table: headRows are rows of header cells {text, colspan,
 * numeric}; rows are {label (text or a node), cells: [text], kind:
 * 'section' | 'indent' | 'total' | 'grand'}. The ledger's pages draw
 * their statements with it too.
 */
export function financialTable({ caption, headRows, rows, captionHidden = false }) {
  const head = h('thead', null, headRows.map((cells) => h('tr', null, cells.map((cell, i) =>
    h('th', {
      scope: cell.colspan ? 'colgroup' : 'col',
      colspan: cell.colspan || null,
      class: i > 0 || cell.numeric ? 'num' : null,
    }, cell.text)))));
  const width = headRows[headRows.length - 1].length;
  const body = h('tbody', null, rows.map((row) => {
    if (row.kind === 'section')
      return h('tr', { class: 'row-section' }, h('th', { scope: 'rowgroup', colspan: String(width) }, row.label));
    return h('tr', { class: row.kind ? `row-${row.kind}` : null },
      h('th', { scope: 'row' }, row.label),
      row.cells.map((cell) => h('td', { class: 'num' }, cell)));
  }));
  return scroller(h('table', { class: 'financial' },
    h('caption', { class: captionHidden ? 'visually-hidden' : null }, caption), head, body), caption);
}

const money = (value) => format.money(value);

/* change cells: [change, change %] from the API's changes or computed. */
function changeCells(report, key, now, before) {
  if (!report.prior) return [];
  const given = report.changes && report.changes[key];
  if (given) return [money(given.amount), format.percentChange(given.percent)];
  const computed = format.change(format.cents(now), format.cents(before));
  return computed ? [money(computed.amount), format.percentChange(computed.percent)] : ['n/a', 'n/a'];
}

function comparisonHead(report, first) {
  const cells = [{ text: first }, { text: format.quarter(report.current.period) }];
  if (report.prior) cells.push({ text: format.quarter(report.prior.period) }, { text: 'Change' }, { text: 'Change %' });
  return [cells];
}

/* A row comparing one figure of the two quarters. */
function figureRow(report, label, key, kind, changeKey = key) {
  const now = report.current[key];
  const before = report.prior ? report.prior[key] : null;
  return {
    label,
    kind,
    cells: [money(now), ...(report.prior ? [money(before), ...changeCells(report, changeKey, now, before)] : [])],
  };
}

export function statementsOfOperations(report) {
  const now = report.current;
  const before = report.prior;
  const sameDay = before && format.monthDay(now.last_day) === format.monthDay(before.last_day);
  const headRows = before
    ? [
      [{ text: '' }, { text: sameDay ? `Three Months Ended ${format.monthDay(now.last_day)},` : 'Three Months Ended', colspan: '2' }],
      [{ text: 'Statements of Operations' },
        { text: sameDay ? format.year(now.last_day) : format.longDate(now.last_day) },
        { text: sameDay ? format.year(before.last_day) : format.longDate(before.last_day) }],
    ]
    : [[{ text: 'Statements of Operations' }, { text: `Three Months Ended ${format.longDate(now.last_day)}` }]];
  const pair = (pick) => [pick(now), ...(before ? [pick(before)] : [])];
  const sameEps = now.eps_basic === now.eps_diluted && (!before || before.eps_basic === before.eps_diluted);
  const rows = [
    { label: 'Revenues', cells: pair((p) => money(p.revenue)) },
    { label: 'Gross profit', cells: pair((p) => money(p.gross_profit)) },
    { label: 'Income before income taxes', cells: pair((p) => money(p.income_before_taxes)) },
    { label: 'Provision (benefit) for income taxes', cells: pair((p) => money(p.income_taxes)) },
    { label: 'Net income', kind: 'total', cells: pair((p) => money(p.net_income)) },
    ...(sameEps
      ? [{ label: 'Basic and diluted per share amounts', cells: pair((p) => format.money(p.eps_basic, { cents: true })) }]
      : [{ label: 'Basic per share amount', cells: pair((p) => format.money(p.eps_basic, { cents: true })) },
        { label: 'Diluted per share amount', cells: pair((p) => format.money(p.eps_diluted, { cents: true })) }]),
    { label: 'Weighted average shares outstanding - basic', cells: pair((p) => format.integer(p.shares_basic)) },
    { label: 'Weighted average shares outstanding - diluted', kind: 'grand', cells: pair((p) => format.integer(p.shares_diluted)) },
  ];
  return financialTable({ caption: 'Statements of Operations', headRows, rows, captionHidden: true });
}

export function balanceSheets(report) {
  const positions = [report.current.position, ...(report.year_end ? [report.year_end] : [])];
  const headRows = [[{ text: 'Balance Sheets' }, ...positions.map((p) => ({ text: format.longDate(p.date) }))]];
  const cells = (key) => positions.map((p) => money(p[key]));
  const rows = [
    { label: 'Assets', kind: 'section' },
    { label: 'Cash and marketable securities', cells: cells('cash_and_securities') },
    { label: 'Other current assets', cells: cells('other_current_assets') },
    { label: 'Non-current assets', cells: cells('non_current_assets') },
    { label: 'Total assets', kind: 'total', cells: cells('total_assets') },
    { label: "Liabilities and Shareholders' Equity", kind: 'section' },
    { label: 'Current liabilities', cells: cells('current_liabilities') },
    { label: 'Long-term liabilities', cells: cells('long_term_liabilities') },
    { label: "Shareholders' equity", cells: cells('equity') },
    { label: "Total liabilities and shareholders' equity", kind: 'grand', cells: cells('total_liabilities_and_equity') },
  ];
  return financialTable({ caption: 'Balance Sheets', headRows, rows, captionHidden: true });
}

/* The management contracts' revenue of each market either quarter has
 * (docs/contract_services.md), under blood services. */
function managementRows(report) {
  const of = (period) => (period && period.management_revenue_by_market) || [];
  const markets = [...new Set([...of(report.current), ...of(report.prior)].map((m) => m.market))];
  const amount = (period, market) => (of(period).find((m) => m.market === market) || { amount: '0.00' }).amount;
  return markets.map((market) => {
    const now = amount(report.current, market);
    const before = report.prior ? amount(report.prior, market) : null;
    return {
      label: `Management contracts, ${market || 'no market'}`,
      kind: 'indent',
      cells: [money(now), ...(report.prior ? [money(before), ...changeCells(report, null, now, before)] : [])],
    };
  });
}

/* Rows of a count the report gives in total (`key`) and by code (`listKey`,
 * items {codeKey, countKey}): the total, then each code either quarter has,
 * indented. No rows when neither quarter has any activity (`activityKey`):
 * units shipped for the net units sold, so that a quarter whose every unit
 * came back with its credit shows 0, as the printed report does. */
function countRows(report, label, key, listKey, codeKey, countKey, activityKey = key) {
  const periods = [report.current, report.prior].filter(Boolean);
  if (!periods.some((p) => p[activityKey])) return [];
  const cells = (now, before) => {
    if (!report.prior) return [format.integer(now)];
    const computed = format.change(now, before);
    return [format.integer(now), format.integer(before), format.integer(computed.amount), format.percentChange(computed.percent)];
  };
  const of = (period) => (period && period[listKey]) || [];
  const codes = [...new Set([...of(report.current), ...of(report.prior)].map((item) => item[codeKey]))];
  const count = (period, code) => (of(period).find((item) => item[codeKey] === code) || { [countKey]: 0 })[countKey];
  return [
    { label, cells: cells(report.current[key], report.prior ? report.prior[key] : 0) },
    ...codes.map((code) => ({
      label: code || 'no market',
      kind: 'indent',
      cells: cells(count(report.current, code), count(report.prior, code)),
    })),
  ];
}

/* Revenue or gross profit (`figure`, the key after the segment's name) by
 * segment: products (ongoing and closed centers), services (revenue: its
 * management contracts by market), the total. */
function bySegment(report, caption, figure, totalLabel) {
  return financialTable({
    caption,
    headRows: comparisonHead(report, 'Segment'),
    rows: [
      figureRow(report, 'Blood products', `blood_products_${figure}`),
      figureRow(report, 'Ongoing donor centers', `ongoing_${figure}`, 'indent'),
      figureRow(report, 'Closed donor centers', `closed_${figure}`, 'indent'),
      figureRow(report, 'Blood services', `blood_services_${figure}`),
      ...(figure === 'revenue' ? managementRows(report) : []),
      figureRow(report, totalLabel, figure, 'grand'),
      ...(figure === 'revenue' ? [
        ...countRows(report, 'Net units sold, blood products (units)', 'net_units_sold', 'net_units_sold_by_family', 'family', 'net_units', 'units_shipped'),
        ...countRows(report, 'Apheresis procedures, blood services (count)', 'apheresis_procedures', 'apheresis_procedures_by_market', 'market', 'procedures'),
        ...(report.current.apheresis_procedures || (report.prior && report.prior.apheresis_procedures)
          ? [figureRow(report, 'Average apheresis price', 'apheresis_average_price', 'indent', null)] : []),
      ] : []),
    ],
  });
}

export const revenueBySegment = (report) => bySegment(report, 'Revenue by segment', 'revenue', 'Total revenue');
export const grossProfitBySegment = (report) => bySegment(report, 'Gross profit by segment', 'gross_profit', 'Total gross profit');

export function grossMargin(report) {
  const row = (label, key) => ({
    label,
    cells: [format.percent(report.current[key]),
      ...(report.prior ? [format.percent(report.prior[key]), format.pointsChange(report.current[key], report.prior[key]), ''] : [])],
  });
  return financialTable({
    caption: 'Gross margin',
    headRows: comparisonHead(report, ''),
    rows: [row('Total', 'gross_margin_percent'), row('Ongoing donor centers', 'ongoing_gross_margin_percent')],
  });
}

export function generalAdministrative(report) {
  const lines = new Map();
  for (const line of report.current.general_administrative_lines) lines.set(line.code, { code: line.code, name: line.name, now: line.amount, before: '0.00' });
  if (report.prior)
    for (const line of report.prior.general_administrative_lines) {
      const entry = lines.get(line.code) || { code: line.code, name: line.name, now: '0.00' };
      entry.before = line.amount;
      lines.set(line.code, entry);
    }
  const gaChanges = (report.changes && report.changes.general_administrative_lines) || {};
  const rows = [...lines.values()].sort((a, b) => (a.code < b.code ? -1 : 1)).map((line) => {
    let cells = [money(line.now)];
    if (report.prior) {
      const given = gaChanges[line.code];
      const computed = given ? { amount: format.cents(given.amount), percent: given.percent }
        : format.change(format.cents(line.now), format.cents(line.before));
      cells = [...cells, money(line.before), money(computed.amount), format.percentChange(computed.percent)];
    }
    return { label: `${line.code} ${line.name}`, cells };
  });
  rows.push(figureRow(report, 'Total general and administrative', 'general_administrative', 'total'));
  rows.push(figureRow(report, 'Other expense (income), net', 'other_expense', 'grand'));
  return financialTable({ caption: 'General and administrative expenses by account', headRows: comparisonHead(report, 'Account'), rows });
}

export function workingCapital(report) {
  const positions = [report.current.position, report.year_end, report.prior && report.prior.position].filter(Boolean);
  const cells = (pick) => positions.map(pick);
  return financialTable({
    caption: 'Working capital, receivables and days sales outstanding',
    captionHidden: true,
    headRows: [[{ text: '' }, ...positions.map((p) => ({ text: format.longDate(p.date, { short: true }) }))]],
    rows: [
      { label: 'Cash and marketable securities', cells: cells((p) => money(p.cash_and_securities)) },
      { label: 'Working capital', cells: cells((p) => money(p.working_capital)) },
      { label: 'Net accounts receivable', cells: cells((p) => money(p.net_receivables)) },
      { label: 'Days sales outstanding', kind: 'grand', cells: cells((p) => (p.dso_days === null ? 'n/a' : String(p.dso_days))) },
    ],
  });
}

export function centers(period) {
  const list = period.centers || [];
  const sum = (key) => list.reduce((total, c) => total + format.cents(c[key]), 0);
  const rows = list.map((c) => ({
    label: `${c.code} ${c.name}`,
    cells: [c.status === 'closed' ? 'closed' : 'ongoing', money(c.revenue), money(c.cost), money(c.gross_profit), format.percent(c.gross_margin_percent)],
  }));
  rows.push({
    label: 'Total donor centers',
    kind: 'grand',
    cells: ['', money(sum('revenue')), money(sum('cost')), money(sum('gross_profit')),
      format.percent(format.percentOf(sum('gross_profit'), sum('revenue')))],
  });
  const caption = `Gross profit by donor center, ${format.quarter(period.period)}`;
  return financialTable({
    caption,
    headRows: [[{ text: 'Donor center' }, { text: 'Status' }, { text: 'Revenue' }, { text: 'Cost' }, { text: 'Gross profit' }, { text: 'Margin' }]],
    rows,
  });
}

/* The line of credit and its covenants at the quarter's end (the report's
 * "covenants"): the line's term in a sentence, then each covenant in force
 * with its threshold, value, met or breached, and the margin. null when
 * neither a line nor a covenant is set. */
const COVENANT_LABELS = {
  min_tangible_net_worth: 'Tangible net worth, at least',
  max_liabilities_to_net_worth: 'Liabilities to net worth, at most',
  min_quick_ratio: 'Quick ratio, at least',
  min_quarterly_net_income: 'Quarterly net income, at least',
};
const RATIO_KINDS = new Set(['max_liabilities_to_net_worth', 'min_quick_ratio']);

export function covenants(report) {
  const section = report.covenants;
  if (!section || (!section.line && section.checks.length === 0)) return null;
  const line = section.line;
  const figure = (kind, value) => (value === null ? 'n/a' : RATIO_KINDS.has(kind) ? value : money(value));
  const term = line
    ? h('p', { class: 'credit-line' },
      `Line of credit with ${line.lender}, limit ${money(line.limit)}, term ${format.date(line.term_start)} to ${format.date(line.term_end)}`,
      line.extended ? ` (extended from ${format.date(line.original_end)})` : '', '.')
    : h('p', { class: 'muted' }, 'No line of credit is set.');
  if (section.checks.length === 0) return [term];
  return [term, financialTable({
    caption: `Covenants at ${format.longDate(report.current.last_day, { short: true })}`,
    headRows: [[{ text: 'Covenant' }, { text: 'Threshold' }, { text: 'Value' }, { text: 'Status' }, { text: 'Margin' }]],
    rows: section.checks.map((c) => ({
      label: COVENANT_LABELS[c.kind] || c.kind,
      cells: [figure(c.kind, c.threshold), figure(c.kind, c.value), c.met ? 'met' : 'breached', figure(c.kind, c.margin)],
    })),
  })];
}
