// pages/collections.js - collections (docs/collections.md): the list
// (/collections, by center, a range of days at the center, the donor's
// ABO/RhD and whether processed); recording a
// collection (/collections/new): the donor confirmed first (donor_step.js: a
// deferred or ineligible donor is stopped there), then a DIN field that takes
// a keyboard-wedge scanner (Enter moves on, never submits half a form; empty
// allocates a new DIN), the donor's measurements, and on a refusal because
// the donor is not eligible every failed rule; and one collection
// (/collections/DIN): its record and, while it is not processed, the form
// that makes its components (apheresis platelets split into 2 or 3), then the
// units made with their product, division, expiry and status.

import * as api from '../api.js';
import { h, message, replace, uid } from '../dom.js';
import { field, form } from '../forms.js';
import * as format from '../format.js';
import * as chain from '../chain.js';
import * as registry from '../registry.js';
import * as session from '../session.js';
import { donorStep } from '../donor_step.js';
import { dataTable, apiLoader } from '../data_table.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/collections', render, title: 'Collections', capability: 'collections',
    nav: { area: 'donors', order: 30, label: 'Collections', description: 'Collections by center and day; process them into components.' } },
  { pattern: '/collections/new', render: renderNew, title: 'Record a collection', capability: 'collections.write',
    nav: { area: 'donors', order: 20, label: 'New collection', description: 'Record a collection: scan the DIN, enter the measurements.' } },
  { pattern: '/collections/:din', render: renderOne, title: 'Collection', capability: 'collections' },
];

const API = '/api/v1/collections';

function collectionLink(c) {
  return h('a', { href: `/collections/${encodeURIComponent(c.din)}` }, chain.dinText(c));
}

function processedText(c) {
  return c.processed
    ? h('span', { class: 'badge badge-open' }, 'Processed')
    : h('span', { class: 'badge badge-pending' }, 'Not processed');
}

/* --- the list ------------------------------------------------------------- */

export async function render(context) {
  const [centers] = await Promise.all([chain.centerOptions('Every center', { all: true }), chain.reference()]);
  if (!context.active()) return;
  const list = dataTable({
    caption: 'Collections',
    csvName: 'collections.csv',
    empty: 'No collection matches.',
    url: true,
    load: apiLoader(API),
    // Newest first: what a center's staff looks for is today's.
    sort: [{ id: 'collected_at', desc: true }],
    // The days are each collection's at its center; the group is the donor's on record.
    filters: [
      { id: 'center', label: 'Center', type: 'select', all: 'Every center', options: centers.filter((o) => o.value) },
      { id: 'from', label: 'From', type: 'date' },
      { id: 'to', label: 'To', type: 'date' },
      { id: 'group', label: 'ABO/RhD', type: 'select', all: 'Every group', options: chain.groupChoices() },
      { id: 'processed', label: 'Processing', type: 'select', options: [{ value: 'no', label: 'Not processed' }, { value: 'yes', label: 'Processed' }] },
    ],
    columns: [
      { id: 'din', label: 'DIN', value: (c) => c.eye_readable || c.din, cell: collectionLink, header: true },
      { id: 'collected_at', label: 'Collected', value: (c) => c.collected_at, cell: (c) => chain.when(c.collected_at, c.time_zone) },
      { id: 'donor_number', label: 'Donor', value: (c) => c.donor_number, phone: false,
        cell: (c) => (c.donor_number ? h('a', { href: `/donors/${encodeURIComponent(c.donor_number)}` }, c.donor_number) : '—') },
      { id: 'center', label: 'Center', value: (c) => c.center },
      { id: 'group', label: 'ABO/RhD', value: (c) => chain.groupText(c.donor_group), phone: false },
      { id: 'procedure', label: 'Procedure', value: (c) => chain.procedureLabel(c.procedure), phone: false },
      { id: 'volume_ml', label: 'Volume (mL)', value: (c) => c.volume_ml, numeric: true, sortable: false, phone: false },
      { id: 'processed_at', label: 'Processing', value: (c) => (c.processed ? 'Processed' : 'Not processed'), cell: processedText },
    ],
  });
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Collections'),
      session.can('collections.write') ? h('a', { class: 'button-primary', href: '/collections/new' }, 'Record a collection') : null),
    list.element);
  await list.ready;
}

/* --- recording a collection ------------------------------------------------ */

/* The eligibility check of the donor, procedure and measurements on the
 * day of the collection at its center (`zone`; today there when the time
 * is left empty): the check a collection makes. */
function eligibilityCheck(number, procedure, values, zone) {
  const at = values.collected_at ? chain.toUtc(values.collected_at, zone) : new Date().toISOString();
  const on = zone ? format.dateIn(at, zone) : values.collected_at ? at.slice(0, 10) : null;
  return api.post(`/api/v1/donors/${encodeURIComponent(number)}/eligibility`, {
    procedure,
    ...(on ? { on } : {}),
    ...chain.measurements(values),
  });
}

/* After a refusal because the donor is not eligible: the same check, to
 * list every failed rule. */
async function failedRules(number, procedure, values, zone) {
  try {
    const result = await eligibilityCheck(number, procedure, values, zone);
    return result.eligible ? null : result;
  } catch {
    return null;
  }
}

function recorded(collection) {
  const din = collection.din;
  return h('section', { class: 'panel panel-success', 'aria-labelledby': 'recorded-title' },
    h('h2', { id: 'recorded-title' }, 'Collection recorded'),
    h('p', { role: 'status' }, 'The collection is recorded with the DIN ',
      h('strong', { class: 'din-eye-readable' }, chain.dinText(collection)), '.'),
    registry.details([
      ['Donor', collection.donor_number],
      ['Center', collection.center],
      ['Procedure', chain.procedureLabel(collection.procedure)],
      ['Collected', chain.when(collection.collected_at, collection.time_zone)],
      ['Volume (mL)', collection.volume_ml],
    ]),
    h('div', { class: 'button-row' },
      session.can('collections.process')
        ? h('a', { class: 'button-primary', href: `/collections/${encodeURIComponent(din)}` }, 'Process into components')
        : null,
      h('a', { class: 'button-secondary', href: '/collections/new' }, 'Record another collection')));
}

/*
 * Recording a collection takes two steps: the donor is confirmed first
 * (donor_step.js: who they are, and stopped there when a deferral, their
 * age or an interval forbids the procedure), and only then is the rest of
 * the form shown: the place, the bag, the measurements and how it went.
 */
export async function renderNew(context) {
  // The procedures, measurements and reactions come from the server
  // (GET /api/v1/reference), with the centers.
  const [centers] = await Promise.all([chain.centerOptions('Choose a center'), chain.reference()]);
  if (!context.active()) return;
  const slot = h('div');
  const eligibility = h('div', { class: 'eligibility-answer', 'aria-live': 'polite' });
  let confirmed = null; // {number, procedure} once the donor step passed
  const center = field({ name: 'center', label: 'Center', required: true, options: centers });
  const zoneOf = (code) => (centers.find((c) => c.value === code) || {}).zone;
  if (centers.length === 2) center.input.value = centers[1].value;
  const din = chain.dinField({
    label: 'DIN',
    hint: 'Scan the bar code (the field moves on by itself), or type the 13 characters with their check character. Leave empty to allocate a new DIN.',
    onEnter: (input) => chain.focusNext(input),
  });
  const collectedAt = field({ name: 'collected_at', label: 'Collected at', type: 'datetime-local', hint: 'The time at the center; leave empty for now.' });
  const device = field({ name: 'device', label: 'Device', autocomplete: 'off', hint: 'The collection device or its serial number.', maxlength: '100' });
  const volume = field({ name: 'volume_ml', label: 'Volume (mL)', required: true, inputmode: 'numeric', autocomplete: 'off', size: '6' });
  const measured = chain.measurementFields();
  const reaction = field({ name: 'reaction', label: 'Donor reaction', options: chain.reactions(), value: 'none' });
  const note = field({ name: 'reaction_note', label: 'Note', rows: '2', maxlength: '1000' });
  const check = h('button', { type: 'button', class: 'button-secondary' }, 'Check eligibility');
  let sentBody = null;
  let sentKey = null;
  let step = null;
  const f = form({
    label: 'Record a collection',
    submitLabel: 'Record the collection',
    className: 'form form-wide',
    fields: [center, din, collectedAt, device, volume, ...measured, reaction, note],
    secondary: [check],
    onSubmit: async (values) => {
      replace(eligibility);
      const body = {
        donor: confirmed.number,
        center: values.center,
        procedure: confirmed.procedure,
        volume_ml: values.volume_ml.trim(),
        reaction: values.reaction,
        ...chain.measurements(values),
      };
      const dinValue = chain.cleanDin(values.din);
      if (dinValue) body.din = dinValue;
      if (values.collected_at) body.collected_at = chain.toUtc(values.collected_at, zoneOf(values.center));
      if (values.device.trim()) body.device = values.device.trim();
      if (values.reaction_note.trim()) body.reaction_note = values.reaction_note.trim();
      // The same key for a retry after a lost answer: the collection (and
      // its DIN) cannot be recorded twice.
      const key = JSON.stringify(body);
      if (key !== sentBody) {
        sentBody = key;
        sentKey = api.idempotencyKey();
      }
      let collection;
      try {
        collection = await api.post(API, body, { idempotencyKey: sentKey });
      } catch (error) {
        // The server answered: the next submit is a new request (a refusal
        // replayed from the key would hide a fixed problem). Only a lost
        // answer keeps the key for the retry.
        if (error.status !== 0) sentBody = null;
        // Refused because the donor may not give (a conflict not about the
        // DIN): list every failed rule.
        if (error.status === 409 && error.field !== 'din') {
          const result = await failedRules(body.donor, body.procedure, values, zoneOf(values.center));
          if (result) replace(eligibility, h('p', { class: 'refused-note' }, h('strong', null, 'The collection is not recorded.')), chain.eligibilityAnswer(result));
        }
        if (step.showError(error)) return;
        throw error;
      }
      if (!context.active()) return;
      replace(slot, recorded(collection));
      const heading = slot.querySelector('h2');
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    },
  });
  check.addEventListener('click', async () => {
    f.clear();
    replace(eligibility);
    const values = Object.fromEntries(Object.values(f.fields).map((x) => [x.name, x.value()]));
    check.disabled = true;
    try {
      replace(eligibility, chain.eligibilityAnswer(await eligibilityCheck(confirmed.number, confirmed.procedure, values, zoneOf(values.center))));
    } catch (error) {
      if (!step.showError(error)) f.showError(error);
    } finally {
      check.disabled = false;
    }
  });
  // Lay the form out in groups: where and the bag, the measurements, how
  // it went.
  const groups = [
    h('fieldset', { class: 'field-group' }, h('legend', null, 'Place and donation'), h('div', { class: 'field-grid' }, center.element, din.element, collectedAt.element, device.element, volume.element)),
    chain.measurementGroup(measured),
    h('fieldset', { class: 'field-group' }, h('legend', null, 'Reaction'), h('div', { class: 'field-grid' }, reaction.element, note.element)),
  ];
  f.alert.after(...groups);
  f.element.hidden = true;
  step = donorStep({
    number: context.query.get('donor') || '',
    onConfirmed: (donor, procedure) => {
      confirmed = { number: donor.donor_number, procedure };
      f.element.hidden = false;
      (center.value() ? din : center).focus();
    },
    onCleared: () => {
      confirmed = null;
      f.element.hidden = true;
      f.clear();
      replace(eligibility);
    },
  });
  replace(slot, step.element, f.element, eligibility);
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/collections' }, 'Collections'), ' › New'),
    h('h1', null, 'Record a collection'),
    slot);
  if (!context.query.get('donor')) step.focus();
}

/* --- one collection and its processing ------------------------------------ */

/*
 * The components editor: one row per component (product, volume), a
 * product chosen among the families the procedure yields, a family the
 * procedure makes several units of (apheresis platelets: 1 to 3) split
 * into that many, both as the server's processing limits say (the
 * reference data). Server errors naming "components[N].product" are shown
 * beside that row.
 */
function processForm(context, collection, productList) {
  const allowed = chain.familiesOf(collection.procedure);
  const choices = productList.filter((p) => allowed.includes(p.family));
  const splits = chain.splitsOf(collection.procedure);
  const rowsHolder = h('div', { class: 'component-rows' });
  const alert = h('div', { class: 'form-alert', role: 'alert' });
  const rows = [];

  function errorSlot(id) {
    return h('p', { class: 'field-error', id, hidden: true });
  }

  function addRow(preset = '') {
    const n = rows.length + 1;
    const productId = uid('component-product');
    const volumeId = uid('component-volume');
    const splitId = uid('component-split');
    const product = h('select', { id: productId, name: 'product', 'aria-describedby': `${productId}-error` },
      h('option', { value: '' }, 'Choose a product'),
      chain.families().filter((fam) => allowed.includes(fam.value)).map((fam) => h('optgroup', { label: fam.label },
        choices.filter((p) => p.family === fam.value).map((p) => h('option', { value: p.code }, `${p.code} - ${p.description}`)))));
    product.value = preset;
    const volume = h('input', { id: volumeId, name: 'volume_ml', inputmode: 'numeric', size: '6', autocomplete: 'off', 'aria-describedby': `${volumeId}-hint ${volumeId}-error` });
    const split = h('select', { id: splitId, name: 'split', 'aria-describedby': `${splitId}-hint` });
    const splitHint = h('p', { class: 'field-hint', id: `${splitId}-hint` });
    const splitField = h('div', { class: 'field', hidden: true }, h('label', { for: splitId }, 'Units'), splitHint, split);
    const showSplit = () => {
      const chosen = choices.find((p) => p.code === product.value);
      const limits = chosen && splits[chosen.family];
      splitField.hidden = !limits;
      const options = [];
      if (limits) {
        for (let n = limits.min; n <= limits.max; n++) options.push(h('option', { value: String(n) }, n === 1 ? '1 unit (no split)' : `Split into ${n} units`));
        replace(splitHint, limits.min === limits.max
          ? `This procedure makes ${limits.min} units of it (divisions A0, B0).`
          : `Up to ${limits.max} units (divisions A0, B0${limits.max > 2 ? ', C0' : ''}).`);
      } else {
        options.push(h('option', { value: '1' }, '1 unit'));
      }
      const before = split.value;
      replace(split, options);
      split.value = options.some((o) => o.value === before) ? before : options[0].value;
    };
    product.addEventListener('change', showSplit);
    const remove = h('button', { type: 'button', class: 'button-secondary button-small' }, 'Remove');
    const legend = h('legend', null, `Component ${n}`);
    const row = {
      product, volume, split, legend,
      productError: errorSlot(`${productId}-error`),
      volumeError: errorSlot(`${volumeId}-error`),
    };
    row.element = h('fieldset', { class: 'component-row' }, legend,
      h('div', { class: 'field-grid' },
        h('div', { class: 'field' }, h('label', { for: productId }, 'Product', h('span', { class: 'required' }, ' (required)')), product, row.productError),
        h('div', { class: 'field' }, h('label', { for: volumeId }, 'Volume (mL)'), h('p', { class: 'field-hint', id: `${volumeId}-hint` }, 'Leave empty for the catalog volume.'), volume, row.volumeError),
        splitField),
      h('div', { class: 'row-actions' }, remove));
    remove.addEventListener('click', () => {
      rows.splice(rows.indexOf(row), 1);
      row.element.remove();
      renumber();
      (rows[0] ? rows[0].product : addButton).focus();
    });
    rows.push(row);
    rowsHolder.append(row.element);
    showSplit();
    renumber();
    return row;
  }

  function renumber() {
    rows.forEach((row, i) => {
      row.legend.textContent = `Component ${i + 1}`;
      row.element.querySelector('button').setAttribute('aria-label', `Remove component ${i + 1}`);
    });
  }

  function clearErrors() {
    replace(alert);
    for (const row of rows) {
      for (const [input, slot] of [[row.product, row.productError], [row.volume, row.volumeError]]) {
        slot.hidden = true;
        replace(slot);
        input.removeAttribute('aria-invalid');
      }
    }
  }

  function showError(error, components) {
    // "components[2].product": the element of the body, which a split row
    // may have made into several.
    const match = /^components\[(\d+)\](?:\.(\w+))?$/.exec(error.field || '');
    const index = match ? Number(match[1]) : -1;
    const row = index >= 0 && components[index] ? components[index].row : null;
    if (row) {
      const volumeFault = match[2] === 'volume_ml';
      const input = volumeFault ? row.volume : row.product;
      const slot = volumeFault ? row.volumeError : row.productError;
      slot.hidden = false;
      replace(slot, h('span', { class: 'visually-hidden' }, 'Error: '), error.message);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } else {
      replace(alert, h('div', { class: 'message message-error' }, h('span', { class: 'message-label' }, 'Error: '), error.message));
      alert.setAttribute('tabindex', '-1');
      alert.focus();
    }
  }

  const addButton = h('button', { type: 'button', class: 'button-secondary', onClick: () => addRow().product.focus() }, 'Add a component');
  const submit = h('button', { type: 'submit', class: 'button-primary' }, 'Make the components');
  const element = h('form', {
    class: 'form form-wide', novalidate: true, 'aria-label': 'Process into components',
    onSubmit: async (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      clearErrors();
      const components = [];
      for (const row of rows) {
        if (!row.product.value) {
          showError({ field: `components[${components.length}].product`, message: 'Choose a product.' }, [...components, { row }]);
          return;
        }
        const count = Number(row.split.value) || 1;
        for (let i = 0; i < count; i++) {
          const item = { product: row.product.value };
          if (row.volume.value.trim()) item.volume_ml = row.volume.value.trim();
          components.push({ item, row });
        }
      }
      if (!components.length) {
        showError({ message: 'Add at least one component.' }, []);
        return;
      }
      submit.disabled = true;
      element.setAttribute('aria-busy', 'true');
      try {
        const answer = await api.post(`${API}/${encodeURIComponent(collection.din)}/process`, { components: components.map((c) => c.item) });
        registry.flash(`${answer.units ? answer.units.length : components.length} units are made from ${chain.dinText(collection)}.`);
        context.navigate(location.pathname, { replace: true });
      } catch (error) {
        showError(error, components);
      } finally {
        submit.disabled = false;
        element.removeAttribute('aria-busy');
      }
    },
  },
  alert,
  h('p', { class: 'muted' }, `A ${chain.procedureLabel(collection.procedure).toLowerCase()} collection can be made into: `,
    allowed.map(chain.familyLabel).join(', ').toLowerCase(), '.'),
  rowsHolder,
  h('div', { class: 'form-actions' }, submit, addButton));
  // A starting point: the usual components of the procedure.
  const first = (family) => (choices.find((p) => p.family === family) || {}).code || '';
  if (collection.procedure === 'whole_blood') {
    addRow(first('red_cells'));
    addRow(first('plasma'));
  } else {
    addRow(first(allowed[0]));
  }
  return element;
}

export async function renderOne(context) {
  await chain.reference();
  if (!context.active()) return;
  const collection = await registry.loadRecord(context, {
    path: API,
    noun: 'collection',
    param: 'din',
    keyName: 'DIN',
    title: (c) => `Collection ${chain.dinText(c)}`,
    back: ['/collections', 'Back to the collections'],
  });
  if (!collection) return;
  const notices = registry.notices();
  const processed = Boolean(collection.processed);
  let units = null;
  let processSection = null;
  if (processed) {
    // The units are the donation's: a lookup that fails says so rather
    // than showing none.
    units = await api.get(`/api/v1/donations/${encodeURIComponent(collection.din)}`)
      .then((donation) => chain.unitsTable(donation.units, { caption: 'Units made', captionHidden: true, zone: donation.time_zone }))
      .catch((error) => message('error', `The units cannot be read: ${error.message}`));
    if (!context.active()) return;
  } else if (session.can('collections.process')) {
    const productList = await chain.products();
    if (!context.active()) return;
    processSection = h('section', { class: 'panel', 'aria-labelledby': 'process-title' },
      h('h2', { id: 'process-title' }, 'Process into components'),
      processForm(context, collection, productList));
  }
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/collections' }, 'Collections'), ' › ', chain.dinText(collection)),
    h('div', { class: 'page-head' }, h('h1', null, `Collection ${chain.dinText(collection)}`), processedText(collection)),
    notices.element,
    h('section', { class: 'panel', 'aria-labelledby': 'collection-title' },
      h('h2', { id: 'collection-title' }, 'Collection'),
      registry.details([
        ['DIN', h('span', { class: 'din-eye-readable' }, chain.dinText(collection))],
        ['Donor', collection.donor_number ? (session.can('donors') ? h('a', { href: `/donors/${encodeURIComponent(collection.donor_number)}` }, collection.donor_number) : collection.donor_number) : null],
        ['Center', collection.center],
        ['Procedure', chain.procedureLabel(collection.procedure)],
        ['Collected', chain.when(collection.collected_at, collection.time_zone)],
        ['Device', collection.device],
        ['Volume (mL)', collection.volume_ml],
        ...chain.measuredValues(collection),
        ['Reaction', collection.reaction ? `${collection.reaction}${collection.reaction_note ? `: ${collection.reaction_note}` : ''}` : null],
        ['Staff', collection.staff],
        ['Processed', collection.processed_at ? format.dateTime(collection.processed_at, collection.time_zone) : 'not yet'],
      ])),
    processSection,
    processed
      ? h('section', { class: 'panel', 'aria-labelledby': 'units-title' },
        h('h2', { id: 'units-title' }, 'Units made'),
        units,
        h('p', null, h('a', { href: `/units/lookup?din=${encodeURIComponent(collection.din)}` }, 'Look up this donation (tests and holds)')))
      : (processSection ? null : h('p', { class: 'muted' }, 'Not processed yet.')));
}

