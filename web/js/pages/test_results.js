// pages/test_results.js - a donation's test results as they stand
// (/results/:din; docs/testing.md, "Amending a result"): each result with
// the value first recorded and its amendments (from, to, why, who signed,
// when), and, for lab and admin, the amendment of one result: the new
// value (the values of its kind, as the server gives them), the reason and
// the electronic signature. The answer shows what the re-evaluation did to
// the donation's units (held, hold lifted, discarded, a discrepancy
// opened), with the server's notes (a discarded unit stays discarded).
// An amendment's time is on the clock of the donation's center (its
// time_zone), the zone named.

import * as api from '../api.js';
import { h, message, replace, table } from '../dom.js';
import { field, form } from '../forms.js';
import * as chain from '../chain.js';
import * as laboratory from '../laboratory.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/results/:din', render, title: 'Test results of a donation', capability: 'testing' },
];

const badResult = (value) => /^(reactive|positive)$/i.test(value || '');

function resultCell(value) {
  return h('span', { class: badResult(value) ? 'result-bad' : null }, value);
}

function resultsTable(items, onAmend) {
  return table({
    caption: 'Test results',
    columns: [
      { label: 'Test', value: (r) => r.test, header: true },
      { label: 'Result', value: (r) => resultCell(r.result) },
      { label: 'First recorded', value: (r) => (r.amended ? r.original_result : '—') },
      { label: 'Tested on', value: (r) => chain.day(r.tested_on) },
      { label: 'Amendments', value: (r) => String(r.amendments.length), numeric: true },
      ...(onAmend ? [{
        label: h('span', { class: 'visually-hidden' }, 'Amend'),
        value: (r) => h('button', { type: 'button', class: 'button-secondary button-small', 'aria-label': `Amend the ${r.test} result`, onClick: () => onAmend(r) }, 'Amend'),
      }] : []),
    ],
    rows: items.map((r) => ({ ...r, className: r.amended ? 'row-amended' : null })),
  });
}

function historySection(items) {
  const amended = items.filter((r) => r.amendments.length);
  if (!amended.length) return h('p', { class: 'empty' }, 'No result of this donation has been amended.');
  return amended.map((r) => table({
    caption: `Amendments of the ${r.test} result (first recorded ${r.original_result})`,
    columns: [
      { label: 'When', value: (a) => chain.when(a.amended_at, a.time_zone), header: true },
      { label: 'From', value: (a) => resultCell(a.previous_result) },
      { label: 'To', value: (a) => resultCell(a.result) },
      { label: 'Reason', value: (a) => a.reason },
      { label: 'Signed by', value: (a) => a.signed_by },
    ],
    rows: r.amendments,
    className: 'data-table amendments',
  }));
}

const EFFECTS = [
  ['discrepancies', 'ABO/RhD discrepancy opened (units held)'],
  ['held', 'Units held (antibody screen positive)'],
  ['unheld', 'Hold lifted (antibody screen negative)'],
  ['discarded', 'Units discarded (reactive)'],
  ['deferred', 'Donor deferred'],
  ['lookback_cases', 'Lookback case opened'],
];

/* What the amendment did, in the words of the answer. */
function outcomeSection(answer) {
  const a = answer.amendment;
  const effects = EFFECTS.filter(([key]) => (answer.effects[key] || []).length).map(([key, label]) => {
    if (key === 'lookback_cases')
      return h('li', null, `${label}: `, answer.effects[key].map((id) => h('a', { href: `/lookback/${encodeURIComponent(id)}` }, `case ${id}`)));
    if (key === 'discrepancies')
      return h('li', null, `${label}: `, answer.effects[key].map((d) => d.hold).join('; '), ' ', h('a', { href: '/discrepancies' }, 'See the discrepancies'));
    return h('li', null, label);
  });
  return h('section', { class: 'panel panel-success', 'aria-labelledby': 'amended-title' },
    h('h2', { id: 'amended-title' }, `${answer.result.test} amended: ${a.previous_result} → ${a.result}`),
    h('p', { role: 'status' }, `Signed by ${a.signed_by} at ${chain.when(a.amended_at, a.time_zone)}. The donation’s units were re-evaluated.`),
    effects.length ? h('ul', { class: 'plain-list effects' }, effects) : h('p', null, 'The units’ state did not change.'),
    (answer.notes || []).map((n) => message('info', n)),
    laboratory.unitStates(answer.units, 'The donation’s units after the amendment'),
    h('p', null, h('a', { href: '/release' }, 'Go to the release queue')));
}

function amendForm(context, result, onDone) {
  const values = (result.values || []).filter((v) => v !== result.result);
  const value = field({ name: 'result', label: `New ${result.test} result`, required: true, options: values.map((v) => ({ value: v, label: v })) });
  const reason = field({ name: 'reason', label: 'Reason', required: true, rows: 3, maxlength: '500', hint: 'Why the recorded result is wrong: kept with the amendment and in the audit trail.' });
  const signature = laboratory.signatureFields();
  const built = form({
    label: `Amend the ${result.test} result`,
    submitLabel: 'Sign and amend',
    fields: [value, reason, ...signature],
    onSubmit: async (v) => {
      let answer;
      try {
        // A wrong password is about the signature, not the session.
        answer = await api.post(`/api/v1/test-results/${encodeURIComponent(result.id)}/amendments`,
          { result: v.result, reason: v.reason.trim(), username: v.username.trim(), password: v.password }, { quiet401: true });
      } finally {
        signature[1].input.value = '';
      }
      if (context.active()) onDone(answer);
    },
  });
  return h('section', { class: 'panel amend-panel', 'aria-labelledby': 'amend-title' },
    h('h2', { id: 'amend-title' }, `Amend the ${result.test} result (now ${result.result})`),
    h('p', { class: 'muted' }, 'The recorded result is kept: the amendment is added beside it, signed with your user name and password, and the donation’s units are re-evaluated at once.'),
    built.element);
}

export async function render(context) {
  await chain.reference();
  if (!context.active()) return;
  const din = context.params.din;
  let list;
  try {
    list = await api.get('/api/v1/test-results', { din });
  } catch (error) {
    if (!context.active()) return;
    if (error.field === 'din') {
      replace(context.main, h('h1', null, 'Test results'), message('error', error.message),
        h('p', null, h('a', { href: '/units/lookup' }, 'Look a DIN up')));
      return;
    }
    throw error;
  }
  if (!context.active()) return;
  const outcome = h('div', { class: 'amend-outcome' });
  const formSlot = h('div', { class: 'amend-form' });
  const resultsSlot = h('div');
  const historySlot = h('div');
  const canAmend = session.can('testing');

  const draw = (items) => {
    replace(resultsSlot, items.length ? resultsTable(items, canAmend ? openForm : null) : h('p', { class: 'empty' }, 'No results yet for this donation.'));
    replace(historySlot, historySection(items));
  };
  async function reload() {
    const again = await api.get('/api/v1/test-results', { din });
    if (context.active()) draw(again.items);
  }
  function openForm(result) {
    replace(outcome);
    replace(formSlot, amendForm(context, result, async (answer) => {
      replace(formSlot);
      replace(outcome, outcomeSection(answer));
      await reload();
      const heading = outcome.querySelector('h2');
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }));
    formSlot.querySelector('select').focus();
  }

  draw(list.items);
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: `/units/lookup${api.query({ din })}` }, `Donation ${chain.dinText(list)}`), ' › ', 'Test results'),
    h('h1', null, `Test results of ${chain.dinText(list)}`),
    h('p', { class: 'muted' }, 'A recorded result is never changed: a correction is an amendment, with its reason and an electronic signature, which re-evaluates the donation’s units.'),
    outcome,
    formSlot,
    h('section', { class: 'panel', 'aria-labelledby': 'results-title' }, h('h2', { id: 'results-title' }, 'Results'), resultsSlot),
    h('section', { class: 'panel', 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, 'Amendment history'), historySlot));
}
