// pages/release.js - the release queue (/release; docs/testing.md, "Release",
// and docs/users.md, "Electronic signatures"): every quarantined unit with
// its state, ready (every required test nonreactive, ABO/RhD agreeing with
// the donor), waiting (tests missing, named) or blocked (problems, named):
// ready first, then by expiry (a unit expiring today or tomorrow highlighted
// and saying so), filtered by center, state, family and ABO/RhD, sortable
// by each column; on a phone, the state, why and the days to expiry. Lab and admin
// select ready units (kept across pages; "select all" takes every ready unit
// the filters give) and sign their release: the signer
// types their user name and password again, the meaning "released for
// distribution" is shown, and the answer is the signature (who, meaning,
// when, on the clock of the units' center) and the units released (each
// on its center's clock). A wrong password is shown beside the password
// and releases nothing.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { dataTable } from '../data_table.js';
import { field, form } from '../forms.js';
import * as chain from '../chain.js';
import { STATES, releaseState, why } from '../laboratory.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/release', render, title: 'Release queue', capability: 'release',
    nav: { area: 'laboratory', order: 20, label: 'Release', description: 'Quarantined units ready for release; sign their release.' } },
];

const MEANING = 'released for distribution';

function unitName(item) {
  return `${chain.dinText(item)} ${item.product_code}${item.division ? ` ${item.division}` : ''}`;
}

function signatureSection(answer) {
  const sig = answer.signature || {};
  const released = answer.released || [];
  return h('section', { class: 'panel panel-success', 'aria-labelledby': 'signed-title' },
    h('h2', { id: 'signed-title' }, `${released.length} unit${released.length === 1 ? '' : 's'} released`),
    h('p', { role: 'status' }, 'Signed electronically: the units are released for distribution.'),
    registry.details([
      ['Signed by', sig.signed_by],
      ['Meaning', sig.meaning],
      ['Signed at', sig.signed_at ? chain.when(sig.signed_at, sig.time_zone) : null],
      ['Signature', sig.id !== undefined ? String(sig.id) : null],
    ]),
    released.length
      ? dataTable({
        caption: 'Units released',
        csvName: `release-${sig.id ?? 'signed'}.csv`,
        rows: released,
        columns: [
          { id: 'din', label: 'DIN', value: (u) => u.eye_readable || u.din, cell: (u) => h('a', { href: `/units/lookup?din=${encodeURIComponent(u.din)}` }, chain.dinText(u)), header: true },
          { id: 'product_code', label: 'Product', value: (u) => u.product_code },
          { id: 'division', label: 'Division', value: (u) => u.division || '00' },
          { id: 'status', label: 'Status', value: (u) => chain.statusLabel(u.status || 'released'), cell: (u) => chain.statusBadge(u.status || 'released') },
          { id: 'released_at', label: 'Released at', value: (u) => u.released_at, cell: (u) => chain.when(u.released_at, u.time_zone) },
        ],
      }).element
      : null);
}

/* Where a state comes in the queue: ready first (the units to release),
 * then waiting, then blocked. */
const STATE_ORDER = ['ready', 'waiting', 'blocked'];
const stateRank = (state) => {
  const i = STATE_ORDER.indexOf(state);
  return i < 0 ? STATE_ORDER.length : i;
};

/* The whole queue (every page), by expiry: the nearest first. */
async function queueItems() {
  const items = await api.getAll('/api/v1/release-queue');
  return items.sort((a, b) => (a.expires_at < b.expires_at ? -1 : a.expires_at > b.expires_at ? 1 : a.unit_id - b.unit_id));
}

export async function render(context) {
  const [centers] = await Promise.all([chain.centerOptions('Every center', { all: true }), chain.reference()]);
  if (!context.active()) return;
  const canSign = session.can('release.sign');

  const counts = h('p', { class: 'queue-summary', role: 'status' });
  const holder = h('div', { class: 'release-list' });
  const outcome = h('div', { class: 'release-outcome' });
  const selectAll = h('input', { type: 'checkbox', id: 'select-all-ready' });
  const selectAllLabel = h('label', { for: 'select-all-ready', class: 'checkbox' }, selectAll, ' Select all ready units');
  const selectedCount = h('p', { class: 'selected-count', 'aria-live': 'polite' });
  // The units chosen, by id: kept across pages, sorting and filters, and
  // cut to the ready units the filters show.
  const chosen = new Set();
  let items = [];
  let list = null;

  /* The ready units the filters give (every page). */
  function readyShown() {
    return list ? list.filtered().filter((i) => i.state === 'ready') : [];
  }

  function selected() {
    return [...chosen];
  }

  function updateSelection() {
    const ready = readyShown();
    const visible = new Set(ready.map((i) => i.unit_id));
    for (const id of [...chosen]) if (!visible.has(id)) chosen.delete(id);
    const n = chosen.size;
    selectedCount.textContent = n ? `${n} unit${n === 1 ? '' : 's'} selected.` : 'No unit selected.';
    selectAll.checked = ready.length > 0 && n === ready.length;
    selectAll.indeterminate = n > 0 && n < ready.length;
    selectAllLabel.hidden = !ready.length;
    selectedCount.hidden = !ready.length;
    if (signPanel) signPanel.hidden = !ready.length;
    if (sign) sign.submitButton.textContent = n ? `Sign and release ${n} unit${n === 1 ? '' : 's'}` : 'Sign and release';
    for (const box of holder.querySelectorAll('input[name="unit"]')) box.checked = chosen.has(Number(box.value));
  }

  // Select all: every ready unit the filters give, on every page.
  selectAll.addEventListener('change', () => {
    for (const item of readyShown()) {
      if (selectAll.checked) chosen.add(item.unit_id);
      else chosen.delete(item.unit_id);
    }
    updateSelection();
  });

  const columns = [];
  if (canSign) {
    columns.push({
      id: 'select',
      label: 'Select',
      sortable: false,
      csv: false,
      value: () => '',
      cell: (item) => (item.state === 'ready'
        ? h('input', {
          type: 'checkbox', name: 'unit', value: String(item.unit_id), checked: chosen.has(item.unit_id), 'aria-label': `Select ${unitName(item)}`,
          onChange: (event) => {
            if (event.target.checked) chosen.add(item.unit_id);
            else chosen.delete(item.unit_id);
            updateSelection();
          },
        })
        : ''),
    });
  }
  columns.push(
    { id: 'din', label: 'DIN', value: (i) => i.eye_readable || i.din, cell: (i) => h('a', { href: `/units/lookup?din=${encodeURIComponent(i.din)}` }, chain.dinText(i)), header: true },
    { id: 'product_code', label: 'Product', value: (i) => `${i.product_code} ${i.division || '00'}` },
    { id: 'family', label: 'Family', value: (i) => chain.familyLabel(i.family), phone: false },
    { id: 'center', label: 'Center', value: (i) => i.center, phone: false },
    { id: 'group', label: 'ABO/RhD', value: (i) => chain.group(i.abo, i.rhd), phone: false },
    { id: 'expires_at', label: 'Expires', value: (i) => i.expires_at, cell: (i) => chain.when(i.expires_at, i.time_zone), phone: false },
    chain.daysToExpiryColumn,
    { id: 'state', label: 'State', value: (i) => stateRank(i.state), cell: (i) => releaseState(i.state), csv: (i) => (STATES[i.state] || { label: i.state }).label },
    { id: 'why', label: 'Why', value: (i) => [...(i.missing || []), ...(i.problems || [])].join('; '), cell: why, sortable: false },
  );

  function summary() {
    const by = (state) => items.filter((i) => i.state === state).length;
    counts.textContent = items.length
      ? `${items.length} quarantined unit${items.length === 1 ? '' : 's'}: ${by('ready')} ready, ${by('waiting')} waiting for tests, ${by('blocked')} blocked.`
      : '';
  }

  function draw() {
    list = null; // drawn once it is there (and on each drawing after)
    const table = dataTable({
      caption: 'Quarantined units',
      csvName: 'release-queue.csv',
      empty: items.length ? 'No unit of the queue matches.' : 'No unit is waiting for release.',
      url: true,
      pageSize: 50,
      rows: items,
      // Ready first, then by expiry: the rows come by expiry, and a sort
      // keeps the order of rows it ranks alike.
      sort: [{ id: 'state', desc: false }],
      filters: [
        { id: 'center', label: 'Center', type: 'select', all: 'Every center', options: centers.filter((o) => o.value), match: (i, v) => i.center === v },
        { id: 'state', label: 'State', type: 'select', all: 'Every state',
          options: STATE_ORDER.map((value) => ({ value, label: STATES[value].label })), match: (i, v) => i.state === v },
        { id: 'family', label: 'Family', type: 'select', all: 'Every family', options: chain.families(), match: (i, v) => i.family === v },
        { id: 'group', label: 'ABO/RhD', type: 'select', all: 'Every group', options: chain.groupChoices(), match: (i, v) => chain.groupKey(i.abo, i.rhd) === v },
      ],
      rowClass: (i) => [`queue-${i.state}`, chain.expiryRowClass(i)].filter(Boolean).join(' '),
      columns,
      onDraw: () => {
        if (list) updateSelection();
      },
    });
    list = table;
    replace(holder, list.element);
    updateSelection();
  }

  async function load() {
    items = await queueItems();
    if (!context.active()) return;
    summary();
    draw();
  }

  let sign = null;
  if (canSign) {
    const username = field({ name: 'username', label: 'User name', required: true, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' });
    const password = field({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'off' });
    sign = form({
      label: 'Electronic signature',
      submitLabel: 'Sign and release',
      fields: [username, password],
      onSubmit: async (values) => {
        const units = selected();
        if (!units.length) throw Object.assign(new Error('Select at least one ready unit to release.'), { field: null });
        replace(outcome);
        let answer;
        try {
          // A wrong password may come back as 401: it is about the signature,
          // not the session, so it must not log the user out.
          answer = await api.post('/api/v1/releases', { units, username: values.username.trim(), password: values.password, meaning: MEANING }, { quiet401: true });
        } finally {
          password.input.value = '';
        }
        if (!context.active()) return;
        username.input.value = '';
        replace(outcome, signatureSection(answer));
        await load();
        const heading = outcome.querySelector('h2');
        heading.setAttribute('tabindex', '-1');
        heading.focus();
      },
    });
    sign.submitButton = sign.element.querySelector('button[type="submit"]');
  }

  const signPanel = canSign
    ? h('section', { class: 'panel signature-panel', 'aria-labelledby': 'sign-title' },
      h('h2', { id: 'sign-title' }, 'Sign the release'),
      h('p', null, 'Meaning of the signature: ', h('strong', { class: 'signature-meaning' }, MEANING), '.'),
      h('p', { class: 'muted' }, 'Type your user name and password again: they are your electronic signature on the units selected (21 CFR Part 11).'),
      sign.element)
    : null;
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Release queue')),
    h('p', { class: 'muted' }, 'A unit is released only when every required test is nonreactive and its ABO/RhD agrees with the donor’s history. Ready units come first, the nearest expiry first.'),
    session.can('testing') ? h('p', { class: 'muted' }, 'Units held for an ABO/RhD discrepancy are released or discarded from ', h('a', { href: '/discrepancies' }, 'the discrepancies'), '.') : null,
    outcome,
    counts,
    canSign ? h('div', { class: 'selection-bar' }, selectAllLabel, selectedCount) : null,
    holder,
    signPanel || h('p', { class: 'muted' }, 'Releasing units needs the lab or administrator role.'));
  await load();
}
