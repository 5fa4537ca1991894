// pages/quarterly.js - the quarterly results (/quarterly?period=2004Q1
// [&compare=2003Q4|none]) in the published release's layout (statements.js),
// the line of credit's covenants, the draft release text with its consistency findings flagged, export of
// the CSV and JSON answers as files, and printing (css/print.css). A period
// or comparison the server refuses is shown next to its field.

import * as api from '../api.js';
import { h, message, replace } from '../dom.js';
import { saveBlob, saveText } from '../download.js';
import * as format from '../format.js';
import * as statements from '../statements.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/quarterly', render, title: 'Quarterly results', capability: 'reports',
    nav: { area: 'finance', order: 20, label: 'Quarterly results', description: 'The quarterly results as published, the draft release and its consistency checks.' } },
];

const PERIOD = /^\d{4}Q[1-4]$/;

function previousQuarter(period) {
  const year = Number(period.slice(0, 4));
  const q = Number(period.slice(5));
  return q === 1 ? `${year - 1}Q4` : `${year}Q${q - 1}`;
}

/* The quarters on record and the latest one, from the dashboard answer;
 * none when it cannot be had (the form still takes any quarter). */
async function quartersOnRecord() {
  try {
    const data = await api.get('/api/v1/reports/dashboard', { quarter: undefined });
    return { latest: data.quarter, quarters: data.quarters_on_record || [] };
  } catch (error) {
    if (error.status === 401) throw error;
    return { latest: null, quarters: [] };
  }
}

/* The quarter and comparison form; `refused` is the server's error naming
 * one of the two, shown next to it. */
function periodForm(context, { period, compare, quarters, refused = null }) {
  const periodInput = h('input', {
    id: 'period-input', name: 'period', value: period || '', required: true, list: 'quarters-list',
    pattern: '\\d{4}Q[1-4]', placeholder: '2004Q1', 'aria-describedby': 'period-hint period-error', autocomplete: 'off', size: '8',
  });
  const compareSelect = h('select', { id: 'compare-select', name: 'compare', 'aria-describedby': 'compare-error' },
    h('option', { value: '' }, 'Same quarter a year earlier'),
    h('option', { value: 'previous' }, 'The previous quarter'),
    h('option', { value: 'none' }, 'No comparison'));
  compareSelect.value = compare === 'none' ? 'none' : compare && period && compare === previousQuarter(period) ? 'previous' : '';
  const error = h('p', { class: 'field-error', id: 'period-error', hidden: true });
  const compareError = h('p', { class: 'field-error', id: 'compare-error', hidden: true });
  const mark = (input, slot, text) => {
    slot.hidden = false;
    slot.textContent = `Error: ${text}`;
    input.setAttribute('aria-invalid', 'true');
  };
  if (refused && refused.field === 'compare') mark(compareSelect, compareError, refused.message);
  else if (refused) mark(periodInput, error, refused.message);
  return h('form', {
    class: 'toolbar-form no-print',
    novalidate: true,
    onSubmit: (event) => {
      event.preventDefault();
      const value = periodInput.value.trim().toUpperCase();
      if (!PERIOD.test(value)) {
        mark(periodInput, error, 'a quarter is written like 2004Q1.');
        periodInput.focus();
        return;
      }
      const choice = compareSelect.value;
      const compareTo = choice === 'previous' ? previousQuarter(value) : choice;
      context.navigate(`/quarterly${api.query({ period: value, compare: compareTo })}`);
    },
  },
  h('div', { class: 'inline-field' },
    h('label', { for: 'period-input' }, 'Quarter'), periodInput,
    h('datalist', { id: 'quarters-list' }, quarters.map((q) => h('option', { value: q }, format.quarter(q))))),
  h('div', { class: 'inline-field' }, h('label', { for: 'compare-select' }, 'Compare with'), compareSelect),
  h('button', { type: 'submit', class: 'button-secondary' }, 'Show'),
  h('p', { class: 'field-hint', id: 'period-hint' }, 'A quarter such as 2004Q1.'),
  error,
  compareError);
}

function exportButtons(period, compare, status) {
  const params = { period, compare };
  const exportAs = async (kind, button) => {
    button.disabled = true;
    replace(status);
    try {
      const filename = `quarterly-${period}.${kind}`;
      if (kind === 'csv') {
        saveBlob(await api.request('GET', '/api/v1/reports/quarterly', { params: { ...params, format: 'csv' }, as: 'blob' }), filename);
      } else {
        const text = await api.request('GET', '/api/v1/reports/quarterly', { params: { ...params, format: 'json' }, as: 'text' });
        saveText(text, filename, 'application/json');
      }
      replace(status, message('success', `${filename} is downloaded.`));
    } catch (error) {
      replace(status, message('error', `The export failed: ${error.message}`));
    } finally {
      button.disabled = false;
    }
  };
  const csv = h('button', { type: 'button', class: 'button-secondary', onClick: () => exportAs('csv', csv) }, 'Export CSV');
  const json = h('button', { type: 'button', class: 'button-secondary', onClick: () => exportAs('json', json) }, 'Export JSON');
  const print = h('button', { type: 'button', class: 'button-secondary', onClick: () => window.print() }, 'Print');
  return h('div', { class: 'button-row no-print', role: 'group', 'aria-label': 'Export and print' }, csv, json, print);
}

/* The findings, visibly flagged: a warning panel, each finding labelled. */
function findingsPanel(findings, { id } = {}) {
  if (!findings.length)
    return h('div', { class: 'findings findings-clear', id: id || null },
      h('h3', null, h('span', { 'aria-hidden': 'true' }, '✓ '), 'Consistency checks'),
      h('p', null, 'No inconsistencies found: every total agrees with its parts.'));
  return h('div', { class: 'findings findings-flagged', id: id || null },
    h('h3', null, h('span', { 'aria-hidden': 'true' }, '⚠ '),
      `Consistency findings: ${findings.length} ${findings.length === 1 ? 'problem' : 'problems'} to resolve before publishing`),
    h('ul', null, findings.map((finding) => h('li', null, h('strong', { class: 'finding-label' }, 'Finding: '), finding))));
}

/* The release text as paragraphs, without its own findings section (the
 * findings are shown flagged, from the array). */
function releaseText(text) {
  const cut = text.search(/\n\s*Consistency findings\s*\n/);
  const body = cut >= 0 ? text.slice(0, cut) : text;
  const blocks = body.split(/\n\s*\n/).map((b) => b.replace(/\s*\n\s*/g, ' ').trim()).filter(Boolean);
  return blocks.map((block, i) => (i === 0 && /^DRAFT\b/.test(block)
    ? h('p', { class: 'release-title' }, block)
    : h('p', null, block)));
}

function section(id, title, ...content) {
  return h('section', { class: 'report-section', 'aria-labelledby': id }, h('h2', { id }, title), content);
}

export async function render(context) {
  let period = (context.query.get('period') || '').toUpperCase();
  const compare = context.query.get('compare') || '';
  replace(context.main, h('h1', null, 'Quarterly results'), h('p', { class: 'loading' }, 'Loading the report…'));
  const record = await quartersOnRecord();
  if (!context.active()) return;
  if (!period && record.latest) {
    period = record.latest;
    history.replaceState(null, '', `/quarterly${api.query({ period, compare })}`);
  }
  if (!period) {
    replace(context.main, h('h1', null, 'Quarterly results'),
      h('p', null, 'Choose the quarter to report.'), periodForm(context, { period, compare, quarters: record.quarters }));
    return;
  }
  let report;
  let release;
  try {
    [report, release] = await Promise.all([
      api.get('/api/v1/reports/quarterly', { period, compare }),
      api.get('/api/v1/reports/release', { period, compare }),
    ]);
  } catch (error) {
    if (!context.active()) return;
    const byField = error.field === 'period' || error.field === 'compare';
    replace(context.main, h('h1', null, 'Quarterly results'),
      byField ? null : message('error', error.field ? `${error.field}: ${error.message}` : error.message),
      periodForm(context, { period, compare, quarters: record.quarters, refused: byField ? error : null }));
    return;
  }
  if (!context.active()) return;
  const title = `Quarterly results, ${format.quarter(period)}`;
  context.setTitle(title);
  if (report.current.entries === 0) {
    // A quarter with nothing posted has no results: said in words, not as
    // a page of $0 figures and a consistency check of nothing.
    replace(context.main,
      h('div', { class: 'page-head' }, h('h1', null, title), periodForm(context, { period, compare, quarters: record.quarters })),
      h('p', { class: 'nothing-posted', role: 'status' },
        `Nothing is posted in ${format.quarter(period)} (${format.date(report.current.first_day)} to ${format.date(report.current.last_day)}): there are no results to report for this quarter.`,
        record.latest ? [' The latest quarter with entries is ', h('a', { href: `/quarterly?period=${record.latest}` }, format.quarter(record.latest)), '.'] : null));
    return;
  }
  const status = h('div', { class: 'export-status' });
  const findings = release.findings && release.findings.length ? release.findings : report.findings || [];
  replace(context.main,
    h('div', { class: 'page-head' },
      h('div', null,
        h('h1', null, title),
        h('p', { class: 'muted' }, report.prior
          ? `Three months ended ${format.date(report.current.last_day)}, compared with ${format.quarter(report.prior.period)}.`
          : `Three months ended ${format.date(report.current.last_day)}, without comparison.`)),
      periodForm(context, { period, compare, quarters: record.quarters })),
    exportButtons(period, compare, status),
    status,
    findingsPanel(findings, { id: 'findings-summary' }),
    section('condensed-title', 'Condensed Consolidated Data (Unaudited)',
      statements.statementsOfOperations(report), statements.balanceSheets(report)),
    section('segments-title', 'Revenue, gross profit and expenses',
      statements.revenueBySegment(report), statements.grossProfitBySegment(report),
      statements.grossMargin(report), statements.generalAdministrative(report)),
    section('position-title', 'Working capital, receivables and days sales outstanding', statements.workingCapital(report)),
    section('centers-title', 'Gross profit by donor center',
      statements.centers(report.current), report.prior ? statements.centers(report.prior) : null),
    statements.covenants(report) ? section('covenants-title', 'Line of credit and covenants', statements.covenants(report)) : null,
    section('release-title', 'Draft earnings release',
      h('div', { class: 'release' }, releaseText(release.text || '')),
      findingsPanel(findings)));
}
