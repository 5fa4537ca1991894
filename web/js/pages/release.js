// pages/release.js - the release queue (/release; docs/testing.md, "Release",
// and docs/users.md, "Electronic signatures"): every quarantined unit with
// its state, ready (every required test nonreactive, ABO/RhD agreeing with
// the donor), waiting (tests missing, named) or blocked (problems, named), by
// center; lab and admin select ready units and sign their release: the signer
// types their user name and password again, the meaning "released for
// distribution" is shown, and the answer is the signature (who, meaning,
// when) and the units released. A wrong password is shown beside the password
// and releases nothing.

import * as api from '../api.js';
import { h, message, replace, table } from '../dom.js';
import { field, form } from '../forms.js';
import * as format from '../format.js';
import * as chain from '../chain.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/release', render, title: 'Release queue', capability: 'release',
    nav: { area: 'laboratory', order: 20, label: 'Release', description: 'Quarantined units ready for release; sign their release.' } },
];

const MEANING = 'released for distribution';

const STATES = {
  ready: { label: 'Ready', className: 'badge-open' },
  waiting: { label: 'Waiting', className: 'badge-pending' },
  blocked: { label: 'Blocked', className: 'badge-deferred' },
};

function stateBadge(state) {
  const s = STATES[state] || { label: state, className: 'badge-closed' };
  return h('span', { class: `badge ${s.className}` }, s.label);
}

/* Why a unit is where it is: the tests missing and the problems, by name. */
function why(item) {
  const missing = item.missing || [];
  const problems = item.problems || [];
  if (!missing.length && !problems.length) return item.state === 'ready' ? 'All required tests done' : '—';
  return h('ul', { class: 'plain-list' },
    missing.length ? h('li', null, `Missing: ${missing.join(', ')}`) : null,
    problems.map((p) => h('li', null, p)));
}

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
      ['Signed at', sig.signed_at ? format.timestamp(sig.signed_at) : null],
      ['Signature', sig.id !== undefined ? String(sig.id) : null],
    ]),
    released.length
      ? table({
        caption: 'Units released',
        columns: [
          { label: 'DIN', value: (u) => h('a', { href: `/units/lookup?din=${encodeURIComponent(u.din)}` }, chain.dinText(u)), header: true },
          { label: 'Product', value: (u) => u.product_code },
          { label: 'Division', value: (u) => u.division || '00' },
          { label: 'Status', value: (u) => chain.statusBadge(u.status || 'released') },
          { label: 'Released at', value: (u) => (u.released_at ? format.timestamp(u.released_at) : '—') },
        ],
        rows: released,
      })
      : null);
}

export async function render(context) {
  const centerCode = context.query.get('center') || '';
  const [centers] = await Promise.all([chain.centerOptions('Every center', { all: true }), chain.reference()]);
  if (!context.active()) return;
  const canSign = session.can('release.sign');

  const centerSelect = h('select', { id: 'release-center', name: 'center' }, centers.map((o) => h('option', { value: o.value }, o.label)));
  centerSelect.value = centerCode;
  const filter = h('form', {
    class: 'toolbar-form search-form', role: 'search', 'aria-label': 'Filter the release queue',
    onSubmit: (event) => {
      event.preventDefault();
      context.navigate(`/release${api.query({ center: centerSelect.value })}`);
    },
  }, h('div', { class: 'inline-field' }, h('label', { for: 'release-center' }, 'Center'), centerSelect),
  h('button', { type: 'submit', class: 'button-secondary' }, 'Show'));

  const counts = h('p', { class: 'list-count', role: 'status' });
  const holder = h('div', { class: 'list-table' });
  const outcome = h('div', { class: 'release-outcome' });
  const selectAll = h('input', { type: 'checkbox', id: 'select-all-ready' });
  const selectAllLabel = h('label', { for: 'select-all-ready', class: 'checkbox' }, selectAll, ' Select all ready units');
  const selectedCount = h('p', { class: 'selected-count', 'aria-live': 'polite' });
  let boxes = [];

  function selected() {
    return boxes.filter((b) => b.checked).map((b) => Number(b.value));
  }

  function updateSelection() {
    const n = selected().length;
    selectedCount.textContent = n ? `${n} unit${n === 1 ? '' : 's'} selected.` : 'No unit selected.';
    selectAll.checked = boxes.length > 0 && n === boxes.length;
    selectAll.indeterminate = n > 0 && n < boxes.length;
    if (sign) sign.submitButton.textContent = n ? `Sign and release ${n} unit${n === 1 ? '' : 's'}` : 'Sign and release';
  }

  selectAll.addEventListener('change', () => {
    boxes.forEach((b) => {
      b.checked = selectAll.checked;
    });
    updateSelection();
  });

  async function load() {
    const items = [];
    let after = null;
    do {
      const page = await api.get('/api/v1/release-queue', { center: centerCode, limit: 500, after });
      items.push(...(page.items || []));
      after = page.next_after || null;
    } while (after);
    if (!context.active()) return;
    const by = (state) => items.filter((i) => i.state === state).length;
    counts.textContent = items.length
      ? `${items.length} quarantined unit${items.length === 1 ? '' : 's'}: ${by('ready')} ready, ${by('waiting')} waiting for tests, ${by('blocked')} blocked.`
      : '';
    boxes = [];
    if (!items.length) {
      replace(holder, h('p', { class: 'empty' }, 'No unit is waiting for release.'));
    } else {
      const columns = [];
      if (canSign) {
        columns.push({
          label: h('span', { class: 'visually-hidden' }, 'Select'),
          value: (item) => {
            if (item.state !== 'ready') return '';
            const box = h('input', { type: 'checkbox', name: 'unit', value: String(item.unit_id), 'aria-label': `Select ${unitName(item)}`, onChange: updateSelection });
            boxes.push(box);
            return box;
          },
        });
      }
      columns.push(
        { label: 'DIN', value: (i) => h('a', { href: `/units/lookup?din=${encodeURIComponent(i.din)}` }, chain.dinText(i)), header: true },
        { label: 'Product', value: (i) => i.product_code },
        { label: 'Division', value: (i) => i.division || '00' },
        { label: 'Family', value: (i) => chain.familyLabel(i.family) },
        { label: 'Center', value: (i) => i.center },
        { label: 'ABO/RhD', value: (i) => chain.group(i.abo, i.rhd) },
        { label: 'Expires', value: (i) => chain.when(i.expires_at, i.time_zone) },
        { label: 'State', value: (i) => stateBadge(i.state) },
        { label: 'Why', value: why },
      );
      replace(holder, table({
        caption: 'Quarantined units',
        captionHidden: true,
        columns,
        rows: items.map((i) => ({ ...i, className: `queue-${i.state}` })),
      }));
    }
    selectAllLabel.hidden = !boxes.length;
    selectedCount.hidden = !boxes.length;
    if (signPanel) signPanel.hidden = !boxes.length;
    updateSelection();
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
    h('p', { class: 'muted' }, 'A unit is released only when every required test is nonreactive and its ABO/RhD agrees with the donor’s history.'),
    session.can('testing') ? h('p', { class: 'muted' }, 'Units held for an ABO/RhD discrepancy are released or discarded from ', h('a', { href: '/discrepancies' }, 'the discrepancies'), '.') : null,
    outcome,
    filter,
    counts,
    canSign ? h('div', { class: 'selection-bar' }, selectAllLabel, selectedCount) : null,
    holder,
    signPanel || h('p', { class: 'muted' }, 'Releasing units needs the lab or administrator role.'));
  try {
    await load();
  } catch (error) {
    if (!context.active()) return;
    if (error.field === 'center') {
      replace(holder, message('error', error.message));
      return;
    }
    throw error;
  }
}
