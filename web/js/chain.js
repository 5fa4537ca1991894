// chain.js - what the pages of the blood-products chain share (donors,
// collections, units, results, release, inventory, lookback): the names of
// procedures, families and unit statuses as people read them, the
// measurement fields of the eligibility check and of a collection, the DIN
// field that takes a keyboard-wedge scanner's input, the eligibility
// answer drawn as a list of every failed rule, the choices read from the
// API (centers, products, deferral reasons) and a units table.

import * as api from './api.js';
import { h, table, uid } from './dom.js';
import { field } from './forms.js';
import * as format from './format.js';

/* The label of `value` among [{value, label}] choices; the value itself
 * when it is not one of them. */
function labelOf(choices, value) {
  const found = choices.find((c) => c.value === value);
  return found ? found.label : String(value || '—');
}

export const PROCEDURES = [
  { value: 'whole_blood', label: 'Whole blood' },
  { value: 'double_red_cells', label: 'Double red cells (apheresis)' },
  { value: 'plateletpheresis', label: 'Platelets by apheresis' },
  { value: 'plasmapheresis', label: 'Plasma by apheresis' },
];

export const procedureLabel = (value) => labelOf(PROCEDURES, value);

export const FAMILIES = [
  { value: 'whole_blood', label: 'Whole blood' },
  { value: 'red_cells', label: 'Red cells' },
  { value: 'platelets', label: 'Platelets' },
  { value: 'plasma', label: 'Plasma' },
  { value: 'cryoprecipitate', label: 'Cryoprecipitate' },
  { value: 'granulocytes', label: 'Granulocytes' },
];

export const familyLabel = (value) => labelOf(FAMILIES, value);

/* The product families a procedure's collection can be made into (the
 * server checks again: these only narrow the choice). */
export const FAMILIES_BY_PROCEDURE = {
  whole_blood: ['red_cells', 'plasma', 'platelets', 'cryoprecipitate'],
  double_red_cells: ['red_cells'],
  plateletpheresis: ['platelets', 'plasma'],
  plasmapheresis: ['plasma'],
};

/* How many units of one family a procedure's collection may be split
 * into (divisions A0, B0, C0); a family missing here makes one unit. */
export const SPLITS = {
  double_red_cells: { red_cells: { min: 2, max: 2 } },
  plateletpheresis: { platelets: { min: 1, max: 3 } },
  plasmapheresis: { plasma: { min: 1, max: 2 } },
};

/* A timestamp the server keeps in UTC ("2026-11-21T10:15:00Z"), as
 * "2026-11-21 10:15 UTC". */
export function when(iso) {
  return iso ? format.timestamp(iso) : '—';
}

/* A datetime-local value (the browser's time) as the server's UTC
 * timestamp "2026-11-21T10:15:00Z". */
export function toUtc(local) {
  if (!local) return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const UNIT_STATUSES = [
  { value: 'quarantined', label: 'Quarantined' },
  { value: 'released', label: 'Released' },
  { value: 'allocated', label: 'Allocated' },
  { value: 'shipped', label: 'Shipped' },
  { value: 'returned', label: 'Returned' },
  { value: 'discarded', label: 'Discarded' },
  { value: 'expired', label: 'Expired' },
  { value: 'transfused_reported', label: 'Transfused (reported)' },
];

export const statusLabel = (value) => labelOf(UNIT_STATUSES, value);

/* A unit's status as a badge: the word carries the meaning, the colour
 * only repeats it. */
export function statusBadge(status) {
  return h('span', { class: `badge badge-unit-${String(status || 'unknown').replace(/[^a-z_]/g, '')}` }, statusLabel(status));
}

export const REACTIONS = [
  { value: 'none', label: 'None' },
  { value: 'mild', label: 'Mild' },
  { value: 'moderate', label: 'Moderate' },
  { value: 'severe', label: 'Severe' },
];

/* ABO and RhD as one text: "O Pos", "AB Neg", "not typed". */
export function group(abo, rhd) {
  if (!abo && !rhd) return 'not typed';
  const rh = rhd === 'POS' ? 'Pos' : rhd === 'NEG' ? 'Neg' : rhd || '';
  return `${abo || '?'} ${rh}`.trim();
}

/* The ISBT 128 check character of a DIN's 13 characters: ISO/IEC 7064
 * MOD 37-2 (docs/isbt.md). */
const MOD37 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*';
export function checkCharacter(din) {
  let p = 0;
  for (const c of din) p = ((p + MOD37.indexOf(c)) * 2) % 37;
  return MOD37[(38 - p) % 37];
}

/* A DIN as printed on a label, "W0001 26 000123 [K]": the API's form when
 * it gave one, else made from the 13 characters. */
export function dinText(record) {
  if (record.eye_readable) return record.eye_readable;
  const din = record.din || '';
  if (/^[A-Z0-9]{13}$/.test(din)) return `${din.slice(0, 5)} ${din.slice(5, 7)} ${din.slice(7)} [${checkCharacter(din)}]`;
  return din || '—';
}

/* "2026-12-01T23:59" (a facility's wall-clock time) -> "2026-12-01 23:59". */
export function wallClock(text) {
  if (!text) return '—';
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?/.exec(text);
  if (!match) return String(text);
  return match[2] ? `${match[1]} ${match[2]}` : match[1];
}

/* A date "2004-03-31" -> "Mar 31, 2004", "—" when none. */
export function day(iso) {
  return iso ? format.date(iso, { short: true }) : '—';
}

/* --- measurements ------------------------------------------------------- */

/* The measurements of the eligibility check and of a collection, in the
 * API's names and units. */
export function measurementFields(values = {}) {
  const number = (name, label, hint, extra = {}) => field({
    name, label, hint, value: values[name] ?? '', inputmode: 'numeric', autocomplete: 'off', size: '6', ...extra,
  });
  return [
    number('weight_lb', 'Weight (lb)', 'Whole pounds.'),
    number('height_in', 'Height (in)', 'Whole inches (5 ft 5 in = 65).'),
    number('hemoglobin', 'Hemoglobin (g/dL)', 'One decimal, e.g. 13.4.', { inputmode: 'decimal' }),
    number('hematocrit', 'Hematocrit (%)', 'Whole percent; instead of or with hemoglobin.'),
    number('temperature', 'Temperature (°C)', 'One decimal, e.g. 36.8.', { inputmode: 'decimal' }),
    number('systolic', 'Systolic pressure (mmHg)'),
    number('diastolic', 'Diastolic pressure (mmHg)'),
    number('pulse', 'Pulse (beats per minute)'),
    number('platelet_count', 'Platelet count (thousands per µL)', 'For platelets by apheresis: 150 = 150,000/µL.'),
    field({
      name: 'parental_consent',
      label: 'Parental consent',
      value: values.parental_consent ?? '',
      hint: 'For a 16-year-old donor.',
      options: [{ value: '', label: 'Not needed' }, { value: 'yes', label: 'Yes, given' }, { value: 'no', label: 'No' }],
    }),
  ];
}

export const MEASUREMENT_NAMES = ['weight_lb', 'height_in', 'hemoglobin', 'hematocrit', 'temperature', 'systolic',
  'diastolic', 'pulse', 'platelet_count', 'parental_consent'];

/* The measurements filled in, trimmed, for a request body (parental
 * consent as a boolean). */
export function measurements(values) {
  const body = {};
  for (const name of MEASUREMENT_NAMES) {
    const value = typeof values[name] === 'string' ? values[name].trim() : values[name];
    if (value === '' || value === undefined || value === null) continue;
    body[name] = name === 'parental_consent' ? value === 'yes' : value;
  }
  return body;
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

/* The open donor centers as <select> options. */
export async function centerOptions(empty, { all = false } = {}) {
  const centers = await api.getAll('/api/v1/centers', all ? {} : { status: 'open' });
  return [{ value: '', label: empty }, ...centers.map((c) => ({ value: c.code, label: `${c.code} - ${c.name}` }))];
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

/* --- tables -------------------------------------------------------------- */

/* The units of a donation: product, division, family, group, volume,
 * expiry, status and hold, then the `extra` columns. */
export function unitsTable(units, { caption = 'Units', captionHidden = false, extra = [] } = {}) {
  if (!units || !units.length) return h('p', { class: 'empty' }, 'No units have been made from this donation.');
  return table({
    caption,
    captionHidden,
    columns: [
      { label: 'Product', value: (u) => u.product_code, header: true },
      { label: 'Description', value: (u) => u.description || familyLabel(u.family) },
      { label: 'Division', value: (u) => u.division || '00' },
      { label: 'Family', value: (u) => familyLabel(u.family) },
      { label: 'ABO/RhD', value: (u) => group(u.abo, u.rhd) },
      { label: 'Volume (mL)', value: (u) => (u.volume_ml ?? '—'), numeric: true },
      { label: 'Expires', value: (u) => wallClock(u.expires_at) },
      { label: 'Status', value: (u) => statusBadge(u.status) },
      { label: 'Hold', value: (u) => u.hold || '—' },
      ...extra,
    ],
    rows: units,
  });
}
