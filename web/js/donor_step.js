// donor_step.js - the first step of recording a collection: confirm who
// the donor is before anything is measured. Once the donor number is typed
// or scanned (Enter, or "Confirm the donor") the step shows the donor's
// card (name, birth date, ABO/RhD, last donation, standing) and asks the
// server's donor-step check (POST /api/v1/donors/{number}/eligibility with
// scope "donor": deferrals, age, intervals) for the planned procedure. A
// donor who may not give is stopped there, every failed rule in words; a
// donor who may give unlocks the rest of the collection form. When the
// number is not known, the donor is found by name or birth date.
//
//   const step = donorStep({ number, onConfirmed(donor, procedure), onCleared() });
//   step.element; step.procedure(); step.focus(); step.showError(error) -> handled

import * as api from './api.js';
import { h, replace } from './dom.js';
import { field, form } from './forms.js';
import * as format from './format.js';
import * as chain from './chain.js';
import * as registry from './registry.js';
import * as standing from './standing.js';

const FOUND_MAX = 10;

/* The search by name or birth date: each donor found with their standing
 * and a button that chooses them. */
function finder(choose) {
  const results = h('div', { class: 'donor-search-results', 'aria-live': 'polite' });
  const panel = registry.disclosure('Find the donor by name or birth date', () => {
    const search = field({
      name: 'q', label: 'Name or birth date', required: true, autocomplete: 'off', spellcheck: 'false',
      hint: 'Part of the family or given name, or the birth date as YYYY-MM-DD.',
    });
    const f = form({
      label: 'Find a donor',
      submitLabel: 'Search',
      fields: [search],
      onSubmit: async (values) => {
        replace(results);
        const found = await api.get('/api/v1/donors', { q: values.q.trim(), limit: FOUND_MAX });
        const items = found.items || [];
        if (!items.length) {
          replace(results, h('p', { class: 'empty' }, `No donor matches “${values.q.trim()}”.`));
          return;
        }
        replace(results,
          h('p', { class: 'muted' }, items.length === FOUND_MAX ? `The first ${FOUND_MAX} donors found: narrow the search if yours is not among them.` : `${items.length} donor${items.length === 1 ? '' : 's'} found.`),
          h('ul', { class: 'plain-list' }, items.map((d) => h('li', null,
            h('button', {
              type: 'button',
              class: 'button-secondary button-small',
              'aria-label': `Choose donor ${d.donor_number} ${d.family_name}, ${d.given_name}`,
              onClick: () => {
                panel.close();
                choose(d.donor_number);
              },
            }, 'Choose'), ' ',
            h('strong', null, `${d.family_name}, ${d.given_name}`), ' ',
            h('span', { class: 'muted' }, `${d.donor_number}, born ${format.date(d.birth_date)}`), ' ',
            standing.badge(d)))));
      },
    });
    return [f.element, results];
  });
  // A way round the number, not the step's main action.
  panel.element.querySelector('button').className = 'button-secondary';
  return panel;
}

export function donorStep({ number = '', onConfirmed, onCleared }) {
  const verdict = h('div', { class: 'donor-step-verdict', 'aria-live': 'polite' });
  const donor = field({
    name: 'donor', label: 'Donor number', required: true, value: number, autocomplete: 'off', spellcheck: 'false',
    hint: 'Scan or type the donor number (D and seven digits), then Enter.',
  });
  const procedure = field({ name: 'procedure', label: 'Procedure', required: true, options: chain.procedures() });
  let shown = null; // the donor number whose card is shown
  let asked = 0; // answers to an older question are dropped

  function clear() {
    if (shown === null) return;
    shown = null;
    replace(verdict);
    onCleared();
  }

  async function confirm() {
    const typed = donor.value().trim().toUpperCase();
    const question = ++asked;
    clear();
    replace(verdict, h('p', { class: 'muted' }, 'Looking up the donor…'));
    let record;
    let check;
    try {
      record = await api.get(`/api/v1/donors/${encodeURIComponent(typed)}`);
      check = await api.post(`/api/v1/donors/${encodeURIComponent(record.donor_number)}/eligibility`, {
        procedure: procedure.value(), scope: 'donor',
      });
    } catch (error) {
      if (question === asked) replace(verdict);
      throw error.field === 'donor_number' ? Object.assign(error, { field: 'donor' }) : error;
    }
    if (question !== asked) return;
    shown = record.donor_number;
    const what = chain.procedureLabel(check.procedure).toLowerCase();
    if (check.eligible) {
      replace(verdict, standing.card(record),
        h('div', { class: 'message message-success', role: 'status' },
          h('p', null, h('strong', null, 'Donor confirmed. '),
            `No deferral, age or interval stops ${record.given_name} ${record.family_name} from giving ${what} today. `,
            'Take the measurements below: they are checked when the collection is recorded.')));
      onConfirmed(record, check.procedure);
    } else {
      replace(verdict, standing.card(record),
        h('p', { class: 'refused-note' }, h('strong', null, 'Stop: do not collect from this donor.')),
        chain.eligibilityAnswer(check));
    }
  }

  const step = form({
    label: 'Confirm the donor',
    submitLabel: 'Confirm the donor',
    className: 'form form-wide',
    fields: [donor, procedure],
    onSubmit: confirm,
  });
  step.alert.after(h('fieldset', { class: 'field-group' }, h('legend', null, 'Donor'),
    h('div', { class: 'field-grid' }, donor.element, procedure.element)));
  // Another number is another donor, to be confirmed again; another
  // procedure is checked again for the donor shown.
  donor.input.addEventListener('input', () => {
    if (shown !== null && donor.value().trim().toUpperCase() !== shown) clear();
  });
  procedure.input.addEventListener('change', () => {
    if (shown !== null) step.element.requestSubmit();
  });
  const find = finder((chosen) => {
    donor.input.value = chosen;
    step.element.requestSubmit();
  });
  if (number) setTimeout(() => step.element.requestSubmit(), 0);
  return {
    element: h('div', { class: 'donor-step' }, step.element, find.element, verdict),
    procedure: () => procedure.value(),
    focus: () => donor.focus(),
    /* A refusal of the collection naming the donor or the procedure is
     * shown beside that field here; false for any other. */
    showError(error) {
      if (error.field !== 'donor' && error.field !== 'procedure') return false;
      step.showError(error);
      return true;
    },
  };
}
