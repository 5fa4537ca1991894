// laboratory.js - what the laboratory's correction pages share (test
// results with their amendments, ABO/RhD discrepancies): the units of a
// donation as the server re-evaluated them (status before and now, the
// release decision and why), and the fields of an electronic signature
// (the user name and password typed again).

import { h, table } from './dom.js';
import { field } from './forms.js';
import * as chain from './chain.js';

/* The release states with their labels and badge classes. */
export const STATES = {
  ready: { label: 'Ready', className: 'badge-open' },
  waiting: { label: 'Waiting', className: 'badge-pending' },
  blocked: { label: 'Blocked', className: 'badge-deferred' },
};

/* The release decision of a quarantined unit as a badge; "—" for a unit
 * that no longer waits for one (released, discarded, ...). */
export function releaseState(state) {
  if (!state) return '—';
  const s = STATES[state] || { label: state, className: 'badge-closed' };
  return h('span', { class: `badge ${s.className}` }, s.label);
}

/* Why a unit is where it is: the tests missing and the problems. */
export function why(unit) {
  const missing = unit.missing || [];
  const problems = unit.problems || [];
  if (!missing.length && !problems.length) return unit.state === 'ready' ? 'All required tests done' : '—';
  return h('ul', { class: 'plain-list' },
    missing.length ? h('li', null, `Missing: ${missing.join(', ')}`) : null,
    problems.map((p) => h('li', null, p)));
}

/* The units of a donation as an answer gives them ({unit_id, din,
 * product_code, division, abo, rhd, status, status_before?, state,
 * missing, problems}). */
export function unitStates(units, caption = 'Units of the donation') {
  if (!units || !units.length) return h('p', { class: 'empty' }, 'No units have been made from this donation yet.');
  const before = units.some((u) => u.status_before);
  return table({
    caption,
    columns: [
      { label: 'Unit', value: (u) => `${u.product_code} ${u.division || '00'}`, header: true },
      { label: 'ABO/RhD', value: (u) => chain.group(u.abo, u.rhd) },
      ...(before ? [{ label: 'Status before', value: (u) => chain.statusLabel(u.status_before) }] : []),
      { label: before ? 'Status now' : 'Status', value: (u) => chain.statusBadge(u.status) },
      { label: 'Release', value: (u) => releaseState(u.state) },
      { label: 'Why', value: why },
    ],
    rows: units.map((u) => ({ ...u, className: u.state ? `queue-${u.state}` : null })),
    className: 'data-table unit-states',
  });
}

/* The user name and password of an electronic signature: fields named
 * username and password, as the server names them in its errors. */
export function signatureFields() {
  return [
    field({ name: 'username', label: 'User name', required: true, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' }),
    field({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'off' }),
  ];
}
