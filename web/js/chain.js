// chain.js - what the pages of the blood-products chain share (donors,
// collections, units, results, release, inventory, lookback): the
// reference data the server gives (GET /api/v1/reference, loaded once per
// session: procedures and what each yields, product families, unit
// statuses, donor reactions, the measurements with their labels, units and
// ranges) and the names, choices and measurement fields made from it; the
// DIN field that takes a keyboard-wedge scanner's input, the eligibility
// answer drawn as a list of every failed rule, the choices read from the
// API (centers, products, deferral reasons), how near a unit is to its
// expiry (the days and band the server gives each unit: a unit expiring
// today or tomorrow is marked in words and highlighted) and a units table.
// No rule is kept here: what the server decides, the server sends.

import * as api from './api.js';
import { h, uid } from './dom.js';
import { dataTable } from './data_table.js';
import { field } from './forms.js';
import * as format from './format.js';
import * as session from './session.js';

/* --- reference data ------------------------------------------------------ */

let loaded = null; // {user, promise}: the session it was asked for
let data = null; // the reference data of the last answer, as built below

/* The reference data as the pages use it: [{value, label}] choices for
 * procedures, families, unit statuses (with inInventory) and reactions;
 * the measurements as the server describes them; for each procedure the
 * families its collection can be made into (familiesByProcedure, in
 * family order) and those split into several units ({min, max}, splits). */
function build(answer) {
  const choices = (items) => items.map((item) => ({ value: item.code, label: item.label }));
  return {
    procedures: choices(answer.procedures),
    families: choices(answer.families),
    unitStatuses: answer.unit_statuses.map((s) => ({ value: s.code, label: s.label, inInventory: s.in_inventory })),
    reactions: choices(answer.reactions),
    measurements: answer.measurements,
    // Therapeutic apheresis (pages/apheresis.js): an order's choices.
    apheresis: {
      procedures: choices(answer.apheresis.procedures),
      anticoagulants: choices(answer.apheresis.anticoagulants),
      categories: answer.apheresis.asfa_categories.map((c) => ({ value: c, label: `Category ${c}` })),
      grades: answer.apheresis.asfa_grades.map((g) => ({ value: g, label: g })),
    },
    familiesByProcedure: Object.fromEntries(answer.procedures.map((p) => [p.code, p.yields.map((y) => y.family)])),
    splits: Object.fromEntries(answer.procedures.map((p) => [p.code,
      Object.fromEntries(p.yields.filter((y) => y.max > 1).map((y) => [y.family, { min: y.min, max: y.max }]))])),
  };
}

/*
 * reference() -> a promise of the reference data, asked of the server once
 * per session (a new login asks again; a failed request is asked again by
 * the next page). The pages of the chain await it before they draw: the
 * functions below that read it need it loaded.
 */
export function reference() {
  const user = session.current();
  if (loaded && loaded.user === user) return loaded.promise;
  const entry = { user };
  entry.promise = api.get('/api/v1/reference').then((answer) => {
    const built = build(answer);
    if (loaded === entry) data = built;
    return built;
  }, (error) => {
    if (loaded === entry) loaded = null;
    throw error;
  });
  loaded = entry;
  return entry.promise;
}

function loadedData() {
  if (!data) throw new Error('The reference data is not loaded yet: reload the page.');
  return data;
}

/* The label of `value` among [{value, label}] choices; the value itself
 * when it is not one of them (or nothing is loaded yet). */
function labelOf(choices, value) {
  const found = (choices || []).find((c) => c.value === value);
  return found ? found.label : String(value || '—');
}

export const procedures = () => loadedData().procedures;
export const families = () => loadedData().families;
export const unitStatuses = () => loadedData().unitStatuses;
export const reactions = () => loadedData().reactions;

export const procedureLabel = (value) => labelOf(data && data.procedures, value);
export const familyLabel = (value) => labelOf(data && data.families, value);
export const statusLabel = (value) => labelOf(data && data.unitStatuses, value);

/* The product families a procedure's collection can be made into, and
 * those a collection splits into several units ({family: {min, max}},
 * divisions A0, B0, C0): the server's processing limits. */
export const familiesOf = (procedure) => loadedData().familiesByProcedure[procedure] || [];
export const splitsOf = (procedure) => loadedData().splits[procedure] || {};

/* A timestamp the server keeps in UTC ("2026-11-21T10:15:00Z") on the
 * clock of the center it belongs to (`zone`, the record's time_zone):
 * "2026-11-21 02:15 PST"; in UTC without a zone. */
export function when(iso, zone) {
  return iso ? format.dateTime(iso, zone) : '—';
}

/* A datetime-local value as the server's UTC timestamp
 * "2026-11-21T10:15:00Z": the time on the clock of `zone` (the center's),
 * or of the browser without one. */
export function toUtc(local, zone) {
  if (!local) return '';
  if (zone) return format.fromLocal(local, zone) || local;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/* A unit's status as a badge: the word carries the meaning, the colour
 * only repeats it. */
export function statusBadge(status) {
  return h('span', { class: `badge badge-unit-${String(status || 'unknown').replace(/[^a-z_]/g, '')}` }, statusLabel(status));
}

/* ABO and RhD as one text: "O Pos", "AB Neg", "not typed". */
export function group(abo, rhd) {
  if (!abo && !rhd) return 'not typed';
  const rh = rhd === 'POS' ? 'Pos' : rhd === 'NEG' ? 'Neg' : rhd || '';
  return `${abo || '?'} ${rh}`.trim();
}

/* The ABO/RhD groups as the server writes them ("O NEG"), in the order
 * lists show them. */
export const GROUPS = ['O NEG', 'O POS', 'A NEG', 'A POS', 'B NEG', 'B POS', 'AB NEG', 'AB POS'];

/* A group as the server writes it ("O POS", "O+", "untyped") shown as
 * group() shows it: "O Pos", "not typed". */
export function groupText(value) {
  if (!value || value === 'untyped') return 'not typed';
  const text = String(value).toUpperCase().replace(/\s+/g, ' ').trim();
  const match = /^(O|A|B|AB)\s*(POS|NEG|\+|-)$/.exec(text);
  if (match) return group(match[1], match[2] === '+' ? 'POS' : match[2] === '-' ? 'NEG' : match[2]);
  return String(value);
}

/* Where a group comes in GROUPS (an unknown one last). */
export function groupRank(value) {
  const i = GROUPS.indexOf(String(value || '').toUpperCase().replace(/\s+/g, ' '));
  return i < 0 ? GROUPS.length : i;
}

/* ABO and RhD as the server's group filters take them ("O POS", "AB",
 * "untyped"): what a list of units is filtered by in the browser. */
export function groupKey(abo, rhd) {
  if (abo && rhd) return `${abo} ${rhd}`;
  return abo || rhd || 'untyped';
}

/* The choices of an ABO/RhD filter: each group, then not typed. */
export function groupChoices() {
  return [...GROUPS.map((g) => ({ value: g, label: groupText(g) })), { value: 'untyped', label: 'not typed' }];
}

/* A DIN as printed on a label, "W0001 26 000123 [K]": the form every API
 * answer gives beside the DIN (the check character is the server's to
 * compute); the DIN itself when a record has no printed form. */
export function dinText(record) {
  return record.eye_readable || record.din || '—';
}

/* A date "2004-03-31" -> "2004-03-31", "—" when none. */
export function day(iso) {
  return iso ? format.date(iso) : '—';
}

/* --- measurements ------------------------------------------------------- */

/* A measurement's label with its unit: "Hemoglobin (g/dL)". */
export function measurementLabel(m) {
  return m.unit ? `${m.label} (${m.unit})` : m.label;
}

/* The measurements of the eligibility check and of a collection, as the
 * reference data describes them: their API names, labels, units and help;
 * a yes/no one (the parental consent) as a choice. */
export function measurementFields(values = {}) {
  return loadedData().measurements.map((m) => {
    if (m.kind === 'yes_no') {
      return field({
        name: m.name,
        label: measurementLabel(m),
        value: values[m.name] ?? '',
        hint: m.help,
        options: [{ value: '', label: 'Not needed' }, { value: 'yes', label: 'Yes, given' }, { value: 'no', label: 'No' }],
      });
    }
    return field({
      name: m.name,
      label: measurementLabel(m),
      hint: m.help,
      value: values[m.name] ?? '',
      inputmode: m.decimals ? 'decimal' : 'numeric',
      autocomplete: 'off',
      size: '6',
    });
  });
}

/* The measurements filled in, trimmed, for a request body (a yes/no one
 * as a boolean). */
export function measurements(values) {
  const body = {};
  for (const m of loadedData().measurements) {
    const value = typeof values[m.name] === 'string' ? values[m.name].trim() : values[m.name];
    if (value === '' || value === undefined || value === null) continue;
    body[m.name] = m.kind === 'yes_no' ? value === 'yes' : value;
  }
  return body;
}

/* The measurements of a record (a collection), as [label, "13.5 g/dL"]
 * pairs for registry.details(): null for one not measured. */
export function measuredValues(record) {
  return loadedData().measurements.filter((m) => m.kind !== 'yes_no').map((m) => {
    const value = record[m.name];
    const shown = value === null || value === undefined || value === '' ? null : `${value}${m.unit === '%' ? '' : ' '}${m.unit}`;
    return [m.label, shown];
  });
}

/* The measurements in a group of their own, laid out in columns. */
export function measurementGroup(fields, legend = 'Measurements') {
  return h('fieldset', { class: 'field-group' },
    h('legend', null, legend),
    h('div', { class: 'field-grid' }, fields.map((f) => f.element)));
}

/*
 * eligibilityAnswer(result) -> element: "eligible", or every failed rule
 * with its reason and the day it stops failing, then the day the donor
 * becomes eligible overall (or that waiting does not help).
 */
export function eligibilityAnswer(result) {
  const what = `${procedureLabel(result.procedure).toLowerCase()} on ${format.date(result.on)}`;
  if (result.eligible) {
    return h('div', { class: 'message message-success eligibility', role: 'status' },
      h('p', null, h('strong', null, 'Eligible: '), `donor ${result.donor_number} may give ${what}.`));
  }
  const failures = result.failures || [];
  const titleId = uid('eligibility');
  return h('div', { class: 'message message-error eligibility', role: 'alert', 'aria-labelledby': titleId },
    h('p', { id: titleId }, h('strong', null, 'Not eligible: '),
      `donor ${result.donor_number} may not give ${what}. `,
      `${failures.length} rule${failures.length === 1 ? '' : 's'} failed:`),
    h('ul', { class: 'failures' }, failures.map((f) => h('li', { dataset: { rule: f.rule || '', field: f.field || '' } },
      h('span', { class: 'failure-reason' }, f.reason),
      ' — ',
      f.eligible_from
        ? h('span', { class: 'failure-date' }, `eligible from ${format.date(f.eligible_from)}`)
        : h('span', { class: 'failure-date' }, 'no date: waiting does not cure it')))),
    h('p', { class: 'eligible-from' }, h('strong', null, 'Eligible from: '),
      result.eligible_from
        ? format.date(result.eligible_from)
        : 'no date: at least one rule is not cured by waiting (measure again, or end the deferral).'));
}

/* --- the DIN field ------------------------------------------------------ */

/* What a scanner or a person typed, cleaned of what is not the DIN: the
 * spaces at the ends, an AIM symbology identifier ("]C0") some scanners
 * send first, and any control character. The server reads the rest (the
 * 13 characters, with or without the check character or with "=" and the
 * flags of a scan) and says what is wrong with it. */
export function cleanDin(text) {
  // eslint-disable-next-line no-control-regex
  return String(text || '').replace(/[\u0000-\u001f\u007f]/g, '').trim().replace(/^\][A-Za-z]\d/, '').trim();
}

/*
 * dinField({name, label, hint, required, onEnter}) -> a field() whose
 * input takes a keyboard-wedge scanner: the scanner types the bar code's
 * characters fast and ends with Enter. Enter never submits the form
 * around it: the text is cleaned and onEnter(input) is called (the form
 * moves on to its next field).
 */
export function dinField({ name = 'din', label = 'DIN', hint, required = false, onEnter, value = '' }) {
  const f = field({
    name, label, required, value, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', size: '24',
    hint: hint || 'Scan the bar code, or type the 13 characters and the check character (e.g. W0001 26 000123 K).',
    class: 'din-input',
  });
  f.input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    f.input.value = cleanDin(f.input.value);
    if (onEnter) onEnter(f.input);
  });
  f.input.addEventListener('change', () => {
    f.input.value = cleanDin(f.input.value);
  });
  return f;
}

/* Focus the next field of a form after `input` (the next input, select,
 * textarea or button that can take the focus). */
export function focusNext(input) {
  const formElement = input.form || input.closest('form');
  if (!formElement) return;
  const controls = [...formElement.querySelectorAll('input, select, textarea, button')]
    .filter((c) => !c.disabled && c.type !== 'hidden' && !c.closest('[hidden]'));
  const next = controls[controls.indexOf(input) + 1];
  if (next) next.focus();
}

/* --- choices from the API ------------------------------------------------ */

/* The open donor centers as <select> options: for a user limited to
 * their centers, only theirs (the server refuses the others anyway). */
export async function centerOptions(empty, { all = false } = {}) {
  const centers = await api.getAll('/api/v1/centers', all ? {} : { status: 'open' });
  const own = session.ownCenters();
  const shown = own ? centers.filter((c) => own.includes(c.code)) : centers;
  return [{ value: '', label: empty }, ...shown.map((c) => ({ value: c.code, label: `${c.code} - ${c.name}`, zone: c.time_zone }))];
}

/* The products of the catalog (every family, or those given). */
export async function products(families = null) {
  const items = await api.getAll('/api/v1/products');
  return families ? items.filter((p) => families.includes(p.family)) : items;
}

/* The deferral reason codes: [{code, description}]. */
export async function deferralReasons() {
  return (await api.get('/api/v1/deferral-reasons')).items;
}

/* --- how near a unit is to its expiry --------------------------------------- */

/* 1 when the unit is on a shelf (a status inventory counts; the release
 * queue's units, which carry no status, are quarantined). */
function onShelf(unit) {
  if (!unit.status) return true;
  const status = unitStatuses().find((s) => s.value === unit.status);
  return Boolean(status && status.inInventory);
}

/* True when a unit on the shelf expires today or tomorrow (the server's
 * band "0-1"). */
export function expiring(unit) {
  return unit.expiry_band === '0-1' && onShelf(unit);
}

/* The row class of a unit in a list: highlighted when it is expiring. */
export function expiryRowClass(unit) {
  return expiring(unit) ? 'row-expiring' : null;
}

/* The days to a unit's expiry in words: "Expires today", "Expires
 * tomorrow", "3 days", "Expired"; "—" for a unit no longer on a shelf. */
export function daysToExpiryText(unit) {
  if (!onShelf(unit) || unit.days_to_expiry === undefined) return '—';
  if (unit.expiry_band === 'expired') return 'Expired';
  if (unit.days_to_expiry === 0) return 'Expires today';
  if (unit.days_to_expiry === 1) return 'Expires tomorrow';
  return `${unit.days_to_expiry} days`;
}

/* The same as a cell: a badge when the unit is expiring or expired (the
 * words say it; the colour only repeats them). */
export function daysToExpiry(unit) {
  const text = daysToExpiryText(unit);
  if (expiring(unit)) return h('span', { class: 'badge badge-expiring' }, text);
  if (text === 'Expired') return h('span', { class: 'badge badge-expired' }, text);
  return text;
}

/* The column of a units list that says how near each unit is to its
 * expiry (sorted by the expiry time); kept on a phone. */
export const daysToExpiryColumn = {
  id: 'expires_in', label: 'Days to expiry', value: (u) => u.expires_at, cell: daysToExpiry, csv: daysToExpiryText,
};

/* --- tables -------------------------------------------------------------- */

/* The units of a donation: product, division, family, group, volume,
 * expiry (on the clock of `zone`, the donation center's), status and hold,
 * then the `extra` columns (data_table.js columns); on a phone, the
 * product, its group, status, why it is held and the days to its expiry. */
export function unitsTable(units, { caption = 'Units', captionHidden = false, extra = [], csvName = 'units.csv', zone } = {}) {
  if (!units || !units.length) return h('p', { class: 'empty' }, 'No units have been made from this donation.');
  return dataTable({
    caption,
    captionHidden,
    csvName,
    rows: units,
    rowClass: expiryRowClass,
    columns: [
      { id: 'product_code', label: 'Product', value: (u) => u.product_code, header: true },
      { id: 'description', label: 'Description', value: (u) => u.description || familyLabel(u.family), phone: false },
      { id: 'division', label: 'Division', value: (u) => u.division || '00', phone: false },
      { id: 'family', label: 'Family', value: (u) => familyLabel(u.family), phone: false },
      { id: 'group', label: 'ABO/RhD', value: (u) => group(u.abo, u.rhd) },
      { id: 'volume_ml', label: 'Volume (mL)', value: (u) => u.volume_ml, cell: (u) => (u.volume_ml ?? '—'), numeric: true, phone: false },
      { id: 'expires_at', label: 'Expires', value: (u) => u.expires_at, cell: (u) => when(u.expires_at, zone || u.time_zone), phone: false },
      daysToExpiryColumn,
      { id: 'status', label: 'Status', value: (u) => statusLabel(u.status), cell: (u) => statusBadge(u.status) },
      { id: 'hold', label: 'Why held', value: (u) => u.hold || '', cell: (u) => u.hold || '—' },
      ...extra,
    ],
  }).element;
}
