// pages/results.js - importing the outside laboratory's test results
// (/results/import; docs/testing.md, "Importing results"): a CSV file chosen
// on this computer is sent whole as the body of an upload (streamed, tens of
// megabytes if need be), with a progress bar and its percentage; the answer
// is the summary (results imported, ABO/RhD discrepancies, units discarded,
// donors deferred, lookback cases opened, each linked, and the way on to
// the release queue), or the error report: every problem the server lists,
// by line and field, nothing imported. The test panel is shown as a
// reminder of the tests expected.

import * as api from '../api.js';
import { h, message, replace, uid } from '../dom.js';
import { dataTable } from '../data_table.js';
import * as chain from '../chain.js';
import * as format from '../format.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/results/import', render, title: 'Import test results', capability: 'testing',
    nav: { area: 'laboratory', order: 10, label: 'Test results', description: 'Import the outside laboratory’s test results (CSV).' } },
];

// The server's upload limit by default (bloodops serve --upload-limit): a
// larger file is refused here before a byte is sent; the server says so too.
const MAX_BYTES = 100 * 1024 * 1024;

/* An item of a summary list, linked to its page: a lookback case by its
 * number, a donor by theirs, a discrepancy ({din, eye_readable,
 * donor_number, donor_group, donation_group, hold}) or any other donation
 * by its DIN, printed as the answer's `eye_readable` map gives it. */
function itemOf(kind, item, printed) {
  if (kind === 'lookback_cases') return h('a', { href: `/lookback/${encodeURIComponent(item)}` }, `Lookback case ${item}`);
  if (kind === 'deferred') return h('a', { href: `/donors/${encodeURIComponent(item)}` }, `Donor ${item}`);
  const record = typeof item === 'object' ? item : { din: item, eye_readable: printed[item] };
  const link = h('a', { href: `/units/lookup?din=${encodeURIComponent(record.din)}` }, chain.dinText(record));
  if (kind !== 'discrepancies') return link;
  return [link, ` (typed ${item.donation_group}, donor ${item.donor_number} on record as ${item.donor_group}; held: ${item.hold})`];
}

const SUMMARY = [
  ['donations', 'Donations with results'],
  ['discrepancies', 'ABO/RhD discrepancies (units held)'],
  ['held', 'Donations held (positive antibody screen)'],
  ['discarded', 'Donations discarded (reactive)'],
  ['deferred', 'Donors deferred'],
  ['lookback_cases', 'Lookback cases opened'],
];

function summary(answer, fileName) {
  const blocks = SUMMARY.map(([key, label]) => {
    const value = answer[key];
    const items = Array.isArray(value) ? value : null;
    const count = items ? items.length : value;
    const id = uid(`summary-${key}`);
    return h('section', { class: `summary-block summary-${key}`, 'aria-labelledby': id },
      h('h3', { id }, `${label}: `, h('span', { class: 'summary-count' }, String(count))),
      items && items.length ? h('ul', null, items.map((item) => h('li', null, itemOf(key, item, answer.eye_readable || {})))) : null);
  });
  return h('section', { class: 'panel panel-success', 'aria-labelledby': 'import-done-title' },
    h('h2', { id: 'import-done-title' }, 'Results imported'),
    h('p', { role: 'status' }, h('strong', null, `${format.integer(answer.imported)} results`), ` imported from ${fileName}.`),
    answer.file_sha256 ? h('p', { class: 'muted sha' }, `SHA-256 of the file: ${answer.file_sha256}`) : null,
    h('p', { class: 'next-step' }, h('a', { href: '/release', class: 'button-secondary' }, 'Go to the release queue')),
    blocks);
}

/* The upload's progress: a <progress> bar and its percentage as text,
 * announced politely as it grows (every tenth) for screen readers. */
function uploadProgress(fileName) {
  const bar = h('progress', { max: '100', value: '0', 'aria-label': `Upload of ${fileName}` });
  const text = h('span', { class: 'upload-percent' }, '0%');
  const spoken = h('span', { class: 'visually-hidden', 'aria-live': 'polite' });
  const label = h('span', null, `Sending ${fileName}: `);
  const line = h('p', { class: 'loading' }, label, text);
  let told = -1;
  const element = h('div', { class: 'upload-progress' }, line, bar, spoken);
  return {
    element,
    set(sent, total) {
      const percent = total ? Math.min(100, Math.floor((sent * 100) / total)) : 100;
      bar.value = percent;
      text.textContent = `${percent}%`;
      if (percent === 100) {
        label.textContent = `${fileName} sent: `;
        line.className = '';
      }
      if (Math.floor(percent / 10) !== told) {
        told = Math.floor(percent / 10);
        spoken.textContent = percent === 100 ? `${fileName} sent: importing.` : `${percent}% sent`;
      }
    },
  };
}

/* Every problem the server gave: its list when it sent one, else its one
 * message ("line 4: ..."), split into line and text. */
function problemsOf(error) {
  const details = error.details || {};
  if (Array.isArray(details.problems) && details.problems.length) return { items: details.problems, total: details.problem_count };
  const match = /^line (\d+): (.*)$/s.exec(error.message || '');
  return {
    items: [{ line: match ? Number(match[1]) : null, field: error.field, message: match ? match[2] : error.message }],
    total: null,
  };
}

function errorReport(error, fileName) {
  const { items, total } = problemsOf(error);
  return h('section', { class: 'panel panel-error', 'aria-labelledby': 'import-error-title' },
    h('h2', { id: 'import-error-title' }, 'Nothing was imported'),
    h('div', { class: 'message message-error', role: 'alert' },
      h('p', null, h('strong', null, `${fileName} was refused. `), error.message)),
    dataTable({
      caption: total && total > items.length ? `Problems found (the first ${items.length} of ${total})` : 'Problems found',
      captionHidden: false,
      csvName: `problems-${fileName}.csv`,
      tableClass: 'problems',
      pageSize: 50,
      rows: items,
      columns: [
        { id: 'line', label: 'Line', value: (p) => p.line ?? null, cell: (p) => (p.line ? String(p.line) : '—'), numeric: true, header: true },
        { id: 'field', label: 'Field', value: (p) => p.field || '', cell: (p) => p.field || '—' },
        { id: 'message', label: 'Problem', value: (p) => p.message },
      ],
    }).element,
    h('p', null, 'Correct the file and import it again: a file is imported whole or not at all.'));
}

function panelSection(tests) {
  if (!tests || !tests.length) return null;
  return h('details', { class: 'panel test-panel' },
    h('summary', null, 'The tests expected in a results file'),
    dataTable({
      caption: 'Test panel',
      csvName: 'test-panel.csv',
      rows: tests,
      columns: [
        { id: 'test', label: 'Test', value: (t) => t.test, header: true },
        { id: 'description', label: 'What', value: (t) => t.description },
        { id: 'kind', label: 'Results', value: (t) => ({ abo: 'A, B, AB, O', rhd: 'POS, NEG', antibody: 'negative, positive', infectious: 'nonreactive, reactive' }[t.kind] || t.kind) },
        { id: 'required', label: 'Required', value: (t) => (t.required ? 'yes' : 'no') },
      ],
    }).element);
}

export async function render(context) {
  // The panel is a reminder only: the page works without it.
  const tests = await api.get('/api/v1/test-panel').then((a) => a.items).catch(() => []);
  if (!context.active()) return;
  const outcome = h('div', { class: 'import-outcome' });
  const inputId = 'results-file';
  const errorId = `${inputId}-error`;
  const input = h('input', { type: 'file', id: inputId, name: 'file', accept: '.csv,text/csv,text/plain', required: true, 'aria-describedby': `${inputId}-hint ${errorId}` });
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, 'Import the results');
  const setError = (text) => {
    error.hidden = false;
    replace(error, h('span', { class: 'visually-hidden' }, 'Error: '), text);
    input.setAttribute('aria-invalid', 'true');
  };
  const clearError = () => {
    error.hidden = true;
    replace(error);
    input.removeAttribute('aria-invalid');
  };
  const formElement = h('form', {
    class: 'form', novalidate: true, 'aria-label': 'Import test results',
    onSubmit: async (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      clearError();
      replace(outcome);
      const file = input.files && input.files[0];
      if (!file) {
        setError('Choose the results file first.');
        input.focus();
        return;
      }
      if (file.size > MAX_BYTES) {
        setError(`The file is ${format.integer(file.size)} bytes; at most ${format.integer(MAX_BYTES)} can be sent.`);
        input.focus();
        return;
      }
      submit.disabled = true;
      formElement.setAttribute('aria-busy', 'true');
      const progress = uploadProgress(file.name);
      replace(outcome, progress.element);
      try {
        const answer = await api.upload('/api/v1/test-results/upload', file, {
          params: { file_name: file.name },
          onProgress: (sent, total) => progress.set(sent, total),
        });
        if (!context.active()) return;
        replace(outcome, progress.element, summary(answer, file.name));
        input.value = '';
      } catch (failure) {
        if (!context.active()) return;
        if (failure.status === 0 || failure.status === 401 || failure.status === 403) {
          replace(outcome, message('error', failure.message));
        } else {
          if (['file', 'file_name', 'content'].includes(failure.field)) setError(failure.message);
          else setError('The file was refused: see the problems below.');
          replace(outcome, progress.element, errorReport(failure, file.name));
        }
      } finally {
        submit.disabled = false;
        formElement.removeAttribute('aria-busy');
      }
      const heading = outcome.querySelector('h2');
      if (heading) {
        heading.setAttribute('tabindex', '-1');
        heading.focus();
      }
    },
  },
  h('div', { class: 'field' },
    h('label', { for: inputId }, 'Results file (CSV)', h('span', { class: 'required' }, ' (required)')),
    h('p', { class: 'field-hint', id: `${inputId}-hint` }, 'From the outside laboratory: a header row, then one result per line: DIN, test, result, date (YYYY-MM-DD).'),
    input, error),
  h('div', { class: 'form-actions' }, submit));
  replace(context.main,
    h('h1', null, 'Import test results'),
    h('p', { class: 'muted' }, 'A reactive result discards every unit of its donation, defers the donor and opens a lookback case. A file is imported whole or not at all.'),
    formElement,
    outcome,
    panelSection(tests));
}

