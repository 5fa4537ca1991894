// pages/donors.js - donors (docs/donors.md): the list with its search (name,
// donor number or birth date), its filters (status, home center, ABO/RhD),
// sorted by its columns in pages with the total count, and each donor's standing
// (eligible, or deferred and until when, and the next day they may give),
// and the registration form, where a registration that repeats a donor
// already on record is shown with that donor's number; and one donor
// (/donors/NUMBER): the standing first (a deferred donor's deferral, and
// no collection offered), the record and its contact details, the
// established ABO/RhD and every typing, deferrals (add one with a reason
// code, end one with a reason), recent collections, and the eligibility
// check for a planned procedure, which shows every failed rule with its
// reason and the day it stops failing.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { dataTable } from '../data_table.js';
import { confirmedForm, field, form } from '../forms.js';
import * as format from '../format.js';
import * as chain from '../chain.js';
import * as registry from '../registry.js';
import * as session from '../session.js';
import * as standing from '../standing.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/donors', render, title: 'Donors', capability: 'donors',
    nav: { area: 'donors', order: 10, label: 'Donors', description: 'Find or register a donor, check eligibility, record deferrals.' } },
  { pattern: '/donors/:number', render: renderOne, title: 'Donor', capability: 'donors' },
];

const API = '/api/v1/donors';

const SEXES = [{ value: '', label: 'Choose' }, { value: 'F', label: 'Female' }, { value: 'M', label: 'Male' }];

function fullName(donor) {
  return `${donor.family_name}, ${donor.given_name}`;
}

function donorLink(number) {
  return h('a', { href: `/donors/${encodeURIComponent(number)}` }, number);
}

function donorFields(centers, donor = {}) {
  return [
    field({ name: 'family_name', label: 'Family name', required: true, value: donor.family_name, autocomplete: 'off', maxlength: '100' }),
    field({ name: 'given_name', label: 'Given name', required: true, value: donor.given_name, autocomplete: 'off', maxlength: '100' }),
    field({ name: 'birth_date', label: 'Birth date', type: 'date', required: true, value: donor.birth_date }),
    field({ name: 'sex', label: 'Sex', required: true, value: donor.sex, options: SEXES }),
    field({ name: 'phone', label: 'Phone', type: 'tel', value: donor.phone, autocomplete: 'off' }),
    field({ name: 'email', label: 'Email', type: 'email', value: donor.email, autocomplete: 'off' }),
    field({ name: 'address', label: 'Address', value: donor.address, rows: '2' }),
    field({
      name: 'identity_document', label: 'Identity document', value: donor.identity_document, autocomplete: 'off', spellcheck: 'false',
      hint: 'Type and number, e.g. passport:X1234567 or license:D1234567.',
    }),
    field({ name: 'home_center', label: 'Home center', value: donor.home_center, options: centers }),
  ];
}

/* The donor number a duplicate refusal points to (the server's message
 * names it: donor numbers are D and seven digits). */
function existingNumber(error) {
  const details = error.details || {};
  if (typeof details.donor_number === 'string') return details.donor_number;
  const match = /\bD\d{7}\b/.exec(error.message || '');
  return match ? match[0] : null;
}

/* A registration the server says repeats a donor on record: the field it
 * names is marked, and the page says plainly which donor that is. */
function duplicateNotice(error) {
  const number = existingNumber(error);
  return h('div', { class: 'message message-error duplicate', role: 'alert' },
    h('p', null, h('strong', null, 'This donor may already be registered. '), error.message),
    number
      ? h('p', null, 'Existing donor: ', h('a', { href: `/donors/${encodeURIComponent(number)}`, class: 'existing-donor' }, number),
        '. Open that record rather than registering the donor twice.')
      : null);
}

function registerPanel(centers, notices, list) {
  const duplicate = h('div', { class: 'duplicate-slot' });
  const panel = registry.disclosure('Register a donor', () => {
    replace(duplicate);
    const f = form({
      label: 'Register a donor',
      submitLabel: 'Register the donor',
      fields: donorFields(centers),
      secondary: [h('button', { type: 'button', class: 'button-secondary', onClick: () => panel.close() }, 'Cancel')],
      onSubmit: async (values) => {
        replace(duplicate);
        try {
          const donor = await api.post(API, registry.filled(values));
          panel.close();
          notices.success(`Donor ${donor.donor_number} ${fullName(donor)} is registered.`);
          await list.reload();
        } catch (error) {
          if (error.status === 409) replace(duplicate, duplicateNotice(error));
          throw error;
        }
      },
    });
    return [duplicate, f.element];
  });
  return panel;
}

export async function render(context) {
  // The names of procedures in the standings (GET /api/v1/reference), and
  // the centers to filter by.
  const [homeCenters] = await Promise.all([chain.centerOptions('Any home center', { all: true }), chain.reference()]);
  if (!context.active()) return;
  const notices = registry.notices();
  const list = registry.list({
    context,
    path: API,
    nounPlural: 'donors',
    searchLabel: 'Search donors',
    hint: 'A name, a donor number or a birth date (YYYY-MM-DD).',
    filters: [
      { name: 'status', label: 'Status', options: standing.STATUS_FILTERS },
      { name: 'home_center', label: 'Home center', options: homeCenters },
      { name: 'group', label: 'ABO/RhD', options: [{ value: '', label: 'Any group' }, ...chain.groupChoices()] },
    ],
    columns: [
      { id: 'donor_number', label: 'Donor number', value: (d) => d.donor_number, cell: (d) => donorLink(d.donor_number), header: true },
      { id: 'name', label: 'Name', value: fullName },
      { id: 'birth_date', label: 'Birth date', value: (d) => d.birth_date, cell: (d) => chain.day(d.birth_date), phone: false },
      { id: 'sex', label: 'Sex', value: (d) => d.sex, phone: false },
      { id: 'group', label: 'ABO/RhD', value: (d) => chain.group(d.abo, d.rhd) },
      { id: 'home_center', label: 'Home center', value: (d) => d.home_center || '', cell: (d) => d.home_center || '—', phone: false },
      { id: 'status', label: 'Status', value: (d) => d.status, cell: standing.badge },
      { id: 'next_eligible_on', label: 'May give from', value: (d) => d.next_eligible_on || '', cell: standing.nextDay, sortable: false },
      { id: 'last_donation_on', label: 'Last donation', value: (d) => d.last_donation_on || '', cell: (d) => chain.day(d.last_donation_on), phone: false },
    ],
  });
  let create = null;
  if (session.can('donors.write')) {
    const centers = await chain.centerOptions('No home center');
    if (!context.active()) return;
    create = registerPanel(centers, notices, list);
  }
  await registry.showList(context, { title: 'Donors', create, notices, list });
}

/* --- one donor ------------------------------------------------------------ */

function groupHistory(donor) {
  const rows = donor.blood_groups || [];
  return h('section', { class: 'panel', 'aria-labelledby': 'groups-title' },
    h('h2', { id: 'groups-title' }, 'Blood group'),
    h('p', null, 'Established ABO/RhD: ', h('strong', { class: 'established-group' }, chain.group(donor.abo, donor.rhd))),
    rows.length
      ? dataTable({
        caption: 'Typings, one per tested donation',
        captionHidden: false,
        csvName: `donor-${donor.donor_number}-typings.csv`,
        rows,
        columns: [
          { id: 'din', label: 'DIN', value: (r) => r.eye_readable || r.din, cell: (r) => h('a', { href: `/units/lookup?din=${encodeURIComponent(r.din)}` }, chain.dinText(r)), header: true },
          { id: 'group', label: 'ABO/RhD', value: (r) => chain.group(r.abo, r.rhd) },
          { id: 'tested_on', label: 'Tested on', value: (r) => r.tested_on, cell: (r) => chain.day(r.tested_on) },
        ],
      }).element
      : h('p', { class: 'empty' }, 'Not typed yet: the group is set by the first test results.'));
}

function deferralState(d) {
  if (d.ended_at) return h('span', { class: 'badge badge-closed' }, 'Ended');
  if (d.in_force === false) return h('span', { class: 'badge badge-closed' }, 'Over');
  return h('span', { class: 'badge badge-deferred' }, 'In force');
}

function endDeferralForm(context, deferral) {
  return confirmedForm({
    label: `End deferral ${deferral.id}`,
    submitLabel: 'End this deferral',
    fields: [field({ name: 'reason', label: 'Why it ends', required: true, hint: 'Recorded in the audit trail.', maxlength: '500' })],
    confirm: (values) => ({
      title: `End deferral ${deferral.id}?`,
      text: `The ${deferral.kind} deferral (${deferral.reason_code}) ends now for the reason “${values.reason.trim()}”. The donor may then give again if every other rule allows it.`,
      confirmLabel: 'Yes, end the deferral',
    }),
    onConfirm: async (values) => {
      await api.post(`/api/v1/deferrals/${encodeURIComponent(deferral.id)}/end`, { reason: values.reason.trim() });
      registry.flash(`Deferral ${deferral.id} is ended.`);
      context.navigate(location.pathname, { replace: true });
    },
  });
}

function deferralsSection(context, donor, reasons) {
  const rows = donor.deferrals || [];
  const canWrite = session.can('deferrals.write');
  const actionSlot = h('div', { class: 'deferral-action' });
  const stateText = (d) => (d.ended_at ? 'Ended' : d.in_force === false ? 'Over' : 'In force');
  const columns = [
    { id: 'kind', label: 'Kind', value: (d) => d.kind, header: true },
    { id: 'reason_code', label: 'Reason code', value: (d) => d.reason_code },
    { id: 'reason', label: 'Reason', value: (d) => d.reason || '', cell: (d) => d.reason || '—', phone: false },
    { id: 'starts_on', label: 'From', value: (d) => d.starts_on, cell: (d) => chain.day(d.starts_on) },
    // The deferral's end is the first day the donor may give again.
    { id: 'until', label: 'May give from', value: (d) => d.until || '', cell: (d) => (d.until ? chain.day(d.until) : d.kind === 'permanent' ? 'never' : 'no date') },
    { id: 'source', label: 'Source', value: (d) => (d.source === 'test' ? `test result${d.din ? ` (${chain.dinText(d)})` : ''}` : 'staff'), phone: false },
    { id: 'state', label: 'State', value: stateText, cell: (d) => [deferralState(d), d.ended_at ? h('span', { class: 'muted' }, ` ${format.dateTime(d.ended_at, donor.time_zone)}${d.end_reason ? `: ${d.end_reason}` : ''}`) : null] },
  ];
  if (canWrite) {
    columns.push({
      id: 'action',
      label: 'Action',
      sortable: false,
      csv: false,
      value: () => '',
      cell: (d) => (d.ended_at || d.in_force === false ? '' : h('button', {
        type: 'button',
        class: 'button-secondary button-small',
        'aria-label': `End deferral ${d.id} (${d.reason_code})`,
        onClick: () => {
          replace(actionSlot, h('h3', null, `End deferral ${d.id} (${d.reason_code})`), endDeferralForm(context, d));
          const first = actionSlot.querySelector('input');
          if (first) first.focus();
        },
      }, 'End')),
    });
  }
  let add = null;
  if (canWrite) {
    const kind = field({
      name: 'kind', label: 'Kind', required: true,
      options: [{ value: 'temporary', label: 'Temporary (until a date)' }, { value: 'indefinite', label: 'Indefinite' }, { value: 'permanent', label: 'Permanent' }],
    });
    const until = field({ name: 'until', label: 'Until', type: 'date', hint: 'Temporary only: the first day the donor may give again.' });
    kind.input.addEventListener('change', () => {
      until.element.hidden = kind.value() !== 'temporary';
    });
    add = registry.disclosure('Add a deferral', () => form({
      label: 'Add a deferral',
      submitLabel: 'Defer the donor',
      fields: [
        kind,
        field({
          name: 'reason_code', label: 'Reason code', required: true,
          options: [{ value: '', label: 'Choose a reason' }, ...reasons.map((r) => ({ value: r.code, label: `${r.code} - ${r.description}` }))],
        }),
        field({ name: 'reason', label: 'Details', hint: 'What was found, in a few words.', maxlength: '500' }),
        until,
      ],
      secondary: [h('button', { type: 'button', class: 'button-secondary', onClick: () => add.close() }, 'Cancel')],
      onSubmit: async (values) => {
        const body = registry.filled(values);
        if (body.kind !== 'temporary') delete body.until;
        await api.post(`${API}/${encodeURIComponent(donor.donor_number)}/deferrals`, body);
        registry.flash(`Donor ${donor.donor_number} is deferred (${body.kind}).`);
        context.navigate(location.pathname, { replace: true });
      },
    }).element);
  }
  return h('section', { class: 'panel', 'aria-labelledby': 'deferrals-title' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'deferrals-title' }, 'Deferrals'), add ? add.element : null),
    rows.length
      ? dataTable({ caption: 'Deferrals', csvName: `donor-${donor.donor_number}-deferrals.csv`, columns, rows }).element
      : h('p', { class: 'empty' }, 'No deferrals.'),
    actionSlot);
}

/* The deferral that decides a deferred donor's standing: the one in force
 * of the standing's kind and reason code (the one ending last, for a
 * temporary one). */
function decidingDeferral(donor) {
  const kind = (donor.status || '').replace(/^deferred_/, '');
  return (donor.deferrals || []).find((d) => d.in_force && d.kind === kind && d.reason_code === donor.status_reason_code
    && (kind !== 'temporary' || d.until === donor.deferred_until)) || null;
}

/* The standing, first on the page: a deferred donor's deferral, or the
 * day they may give; the collection is offered only to a donor who may
 * give today. */
function standingSection(donor) {
  const mayGive = standing.mayGiveToday(donor);
  const deferral = donor.deferred ? decidingDeferral(donor) : null;
  return h('section', {
    class: `panel standing-panel ${donor.deferred ? 'panel-error' : mayGive ? 'panel-success' : 'panel-warn'}`,
    'aria-labelledby': 'standing-title',
    role: donor.deferred ? 'alert' : null,
  },
  h('h2', { id: 'standing-title' }, donor.deferred ? 'Deferred: this donor may not give' : 'Standing'),
  h('p', null, standing.sentence(donor)),
  deferral
    ? registry.details([
      ['Reason', `${deferral.reason_code}${deferral.reason ? `: ${deferral.reason}` : ''}`],
      ['In force since', chain.day(deferral.starts_on)],
      ['Made by', deferral.source === 'test' ? `a test result${deferral.din ? ` (${chain.dinText(deferral)})` : ''}` : `staff (${deferral.created_by})`],
    ])
    : null,
  h('p', { class: 'muted' }, 'Last donation: ', standing.lastDonation(donor), '.'),
  mayGive && session.can('collections.write')
    ? h('p', null, h('a', { class: 'button-primary', href: `/collections/new?donor=${encodeURIComponent(donor.donor_number)}` }, 'Record a collection for this donor'))
    : null);
}

function collectionsSection(donor) {
  const rows = donor.collections || [];
  return h('section', { class: 'panel', 'aria-labelledby': 'collections-title' },
    h('h2', { id: 'collections-title' }, 'Recent collections'),
    rows.length
      ? dataTable({
        caption: 'Recent collections',
        csvName: `donor-${donor.donor_number}-collections.csv`,
        rows,
        columns: [
          { id: 'din', label: 'DIN', value: (c) => c.eye_readable || c.din, header: true,
            cell: (c) => (session.can('collections') ? h('a', { href: `/collections/${encodeURIComponent(c.din)}` }, chain.dinText(c)) : chain.dinText(c)) },
          { id: 'collected_at', label: 'Collected', value: (c) => c.collected_at, cell: (c) => chain.when(c.collected_at, c.time_zone) },
          { id: 'center', label: 'Center', value: (c) => c.center },
          { id: 'procedure', label: 'Procedure', value: (c) => chain.procedureLabel(c.procedure) },
        ],
      }).element
      : h('p', { class: 'empty' }, 'No collections yet.'));
}

function eligibilitySection(donor) {
  const answer = h('div', { class: 'eligibility-answer', 'aria-live': 'polite' });
  const procedure = field({ name: 'procedure', label: 'Planned procedure', required: true, options: chain.procedures() });
  const on = field({ name: 'on', label: 'Day of the donation', type: 'date', hint: 'Leave empty for today.' });
  const measured = chain.measurementFields();
  const f = form({
    label: 'Check eligibility',
    submitLabel: 'Check eligibility',
    className: 'form form-wide',
    fields: [procedure, on, ...measured],
    onSubmit: async (values) => {
      replace(answer);
      const result = await api.post(`${API}/${encodeURIComponent(donor.donor_number)}/eligibility`, {
        procedure: values.procedure,
        ...(values.on ? { on: values.on } : {}),
        ...chain.measurements(values),
      });
      replace(answer, chain.eligibilityAnswer(result));
    },
  });
  // The measurements sit in a group of their own, in columns.
  const group = chain.measurementGroup(measured, 'Measured today');
  on.element.after(group);
  return h('section', { class: 'panel', 'aria-labelledby': 'eligibility-title' },
    h('h2', { id: 'eligibility-title' }, 'Eligibility check'),
    h('p', { class: 'muted' }, 'Every rule is checked; a failed one says why and from which day it no longer applies.'),
    f.element,
    answer);
}

function editSection(context, donor, centers, notices) {
  // Only the contact details change after registration.
  const fields = donorFields(centers, donor).filter((f) => ['phone', 'email', 'address', 'home_center'].includes(f.name));
  return registry.disclosure('Edit the contact details', () => form({
    label: 'Edit the donor',
    submitLabel: 'Save changes',
    fields,
    onSubmit: async (values) => {
      const changes = registry.changed(donor, values);
      if (!Object.keys(changes).length) {
        notices.info('Nothing to save: no field was changed.');
        return;
      }
      await api.patch(`${API}/${encodeURIComponent(donor.donor_number)}`, changes);
      registry.flash(`Changes to donor ${donor.donor_number} are saved.`);
      context.navigate(location.pathname, { replace: true });
    },
  }).element);
}

export async function renderOne(context) {
  const donor = await registry.loadRecord(context, {
    path: API,
    noun: 'donor',
    param: 'number',
    keyName: 'number',
    title: (d) => `Donor ${d.donor_number}`,
    back: ['/donors', 'Back to the donors'],
  });
  if (!donor) return;
  const notices = registry.notices();
  const canWrite = session.can('donors.write');
  // The choices of the forms this user may fill in: the home centers of
  // the contact details, the reason codes of a deferral.
  const [reasons, centers] = await Promise.all([
    session.can('deferrals.write') ? chain.deferralReasons() : [],
    canWrite ? chain.centerOptions('No home center') : [],
    chain.reference(),
  ]);
  if (!context.active()) return;
  const edit = canWrite ? editSection(context, donor, centers, notices) : null;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/donors' }, 'Donors'), ' › ', donor.donor_number),
    h('div', { class: 'page-head' }, h('h1', null, `Donor ${donor.donor_number}: ${fullName(donor)}`), standing.badge(donor)),
    notices.element,
    standingSection(donor),
    h('section', { class: 'panel', 'aria-labelledby': 'record-title' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'record-title' }, 'Record'), edit ? edit.element : null),
      registry.details([
        ['Donor number', donor.donor_number],
        ['Name', fullName(donor)],
        ['Birth date', donor.birth_date ? format.date(donor.birth_date) : null],
        ['Sex', donor.sex === 'F' ? 'Female' : donor.sex === 'M' ? 'Male' : donor.sex],
        ['Phone', donor.phone], ['Email', donor.email], ['Address', donor.address],
        ['Identity document', donor.identity_document],
        ['Home center', donor.home_center],
        ['ABO/RhD', chain.group(donor.abo, donor.rhd)],
        ['Registered', donor.created_at ? format.dateTime(donor.created_at, donor.time_zone) : null],
      ])),
    canWrite ? eligibilitySection(donor) : null,
    deferralsSection(context, donor, reasons),
    groupHistory(donor),
    collectionsSection(donor));
}

