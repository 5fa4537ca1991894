// pages/apheresis.js - therapeutic apheresis (docs/apheresis.md): the
// calculators at the bedside (/apheresis/calculators: large fields for a
// tablet, each figure with its unit beside the inputs it came from), the
// patients (/patients, /patients/new, /patients/ID with their blood volume
// and orders), a physician's order (/apheresis-orders/new?patient=ID: the
// procedure, indication with its ASFA category and grade, the course and
// the prescription) and an order's page with its calculations. Every figure
// is the server's (GET /api/v1/apheresis/calc/NAME, an order's
// `calculations`): no formula is copied here. The order's page also shows
// its bookings and procedure records and how much of the course is done,
// linking to each (docs/apheresis.md, "From order to invoice").

import * as api from '../api.js';
import { reference } from '../chain.js';
import { h, replace } from '../dom.js';
import { dataTable, apiLoader } from '../data_table.js';
import { confirmedForm, field, form } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

export const pages = [
  { pattern: '/apheresis/calculators', render: renderCalculators, title: 'Apheresis calculators', capability: 'apheresis.calc',
    nav: { area: 'services', order: 10, label: 'Apheresis calculators', description: 'Blood volume, plasma and red cell exchange, anticoagulant flow, adsorptive courses, at the bedside.' } },
  { pattern: '/patients', render: renderPatients, title: 'Apheresis patients', capability: 'apheresis',
    nav: { area: 'services', order: 20, label: 'Apheresis patients', description: 'Patients at your hospitals and their physicians\u2019 orders.' } },
  { pattern: '/patients/new', render: renderNewPatient, title: 'New patient', capability: 'apheresis.write' },
  { pattern: '/patients/:id', render: renderPatient, title: 'Patient', capability: 'apheresis' },
  { pattern: '/apheresis-orders/new', render: renderNewOrder, title: 'New apheresis order', capability: 'apheresis.write' },
  { pattern: '/apheresis-orders/:id', render: renderOrder, title: 'Apheresis order', capability: 'apheresis' },
];

const SEX = [{ value: 'female', label: 'Female' }, { value: 'male', label: 'Male' }];
/* The words for the figures' keys (what the server calls each one). */
const LABELS = {
  sex: 'Sex', height_m: 'Height', weight_kg: 'Weight', hct: 'Hematocrit', volumes: 'Plasma volumes to exchange',
  albumin_fraction: 'Albumin part of the replacement', tbv_l: 'Total blood volume', replacement_hct: 'Replacement cells\u2019 hematocrit',
  remaining: 'Fraction remaining', unit_ml: 'Volume of a red cell unit', inlet_ml_min: 'Inlet rate', ratio: 'N of the AC:inlet ratio 1:N',
  sessions: 'Weekly sessions', method: 'Method', ml_per_kg: 'Blood volume per kg', tbv: 'Total blood volume',
  plasma_volume: 'Plasma volume', exchange_volume: 'Exchange volume', exchange_volume_ml: 'Exchange volume',
  plasma_fraction: 'Plasma part of the replacement', albumin_volume: '5% albumin to give', albumin_vials: '5% albumin vials of 250 mL',
  albumin_protein: 'Albumin in those vials', plasma_replacement_volume: 'Plasma to give', plasma_units: 'Plasma units of 250 mL',
  units: 'Red cell units', ac_rate: 'Anticoagulant flow', ac_rate_hour: 'Anticoagulant per hour', blood_rate: 'Patient\u2019s blood in the inlet',
  flow: 'Flow through the column', session_minutes: 'Length of a session', per_session: 'Processed per session',
  total: 'Processed over the course', weeks: 'Length of the course',
};
const CALCULATION_TITLES = {
  tbv: 'Total blood volume', plasma_exchange: 'Plasma exchange', red_cell_exchange: 'Red cell exchange',
  anticoagulant: 'Anticoagulant', adsorptive: 'Adsorptive course',
};

/* "5.32 L", "female", "12 vials". */
function figureText(figure) {
  if (typeof figure === 'string') return figure;
  return `${figure.value.toLocaleString('en-US', { maximumFractionDigits: 6 })} ${figure.unit}`;
}

/* A calculation as the server answers it: the inputs, then the figures. */
function figuresView(calculation, title, id) {
  const rows = (object, skip) => Object.entries(object).filter(([key]) => !skip.includes(key))
    .map(([key, figure]) => h('tr', { 'data-figure': key }, h('th', { scope: 'row' }, LABELS[key] || key), h('td', { class: 'figure-value' }, figureText(figure))));
  return h('section', { class: 'panel figures', 'aria-labelledby': id },
    h('h2', { id }, title),
    h('div', { class: 'figures-columns' },
      h('table', { class: 'data-table figures-inputs' }, h('caption', null, 'From these inputs'), h('tbody', null, rows(calculation.inputs, []))),
      h('table', { class: 'data-table figures-results' }, h('caption', null, 'Figures'), h('tbody', null, rows(calculation, ['calculator', 'inputs'])))));
}

/* --- the calculators --------------------------------------------------------------- */

const number = (name, label, hint, extra = {}) => field({ name, label, hint, inputmode: 'decimal', autocomplete: 'off', ...extra });
const CALCULATORS = [
  { name: 'tbv', label: 'Total blood volume', fields: () => [
    field({ name: 'sex', label: 'Sex', options: SEX, required: true }),
    number('height_m', 'Height (m)', '0.3 to 2.5 m, e.g. 1.80', { required: true }),
    number('weight_kg', 'Weight (kg)', 'Under 35 kg the volume is taken by weight.', { required: true })] },
  { name: 'plasma-exchange', label: 'Plasma exchange', fields: () => [
    field({ name: 'sex', label: 'Sex', options: SEX, required: true }),
    number('height_m', 'Height (m)', '0.3 to 2.5 m', { required: true }),
    number('weight_kg', 'Weight (kg)', '0.5 to 350 kg', { required: true }),
    number('hct', 'Hematocrit (fraction)', '0.42 for 42%', { required: true }),
    number('volumes', 'Plasma volumes to exchange', 'More than 0, at most 3', { required: true }),
    number('albumin_fraction', 'Albumin part of the replacement', '0 (all plasma) to 1 (all albumin); empty: 1')] },
  { name: 'red-cell-exchange', label: 'Red cell exchange', fields: () => [
    number('tbv_l', 'Total blood volume (L)', '0.03 to 20 L', { required: true }),
    number('hct', 'Patient\u2019s hematocrit (fraction)', '0.30 for 30%', { required: true }),
    number('replacement_hct', 'Replacement cells\u2019 hematocrit', '0.60 for 60%', { required: true }),
    number('remaining', 'Fraction of the patient\u2019s cells to remain', '0.30 for 30%', { required: true }),
    number('unit_ml', 'Volume of a red cell unit (mL)', '100 to 500; empty: 275')] },
  { name: 'anticoagulant', label: 'Anticoagulant', fields: () => [
    number('inlet_ml_min', 'Inlet rate (mL/min)', 'More than 0, at most 200', { required: true }),
    number('ratio', 'AC:inlet ratio 1:N', 'N from 2 to 50, or 1:N', { required: true })] },
  { name: 'adsorptive', label: 'Adsorptive course', fields: () => [
    field({ name: 'sessions', label: 'Weekly sessions', options: [{ value: '5', label: '5 sessions' }, { value: '10', label: '10 sessions' }], required: true })] },
];

export async function renderCalculators(context) {
  const chosen = CALCULATORS.find((c) => c.name === context.query.get('calculator')) || CALCULATORS[0];
  const result = h('div', { class: 'calc-result', 'aria-live': 'polite' });
  const picker = h('select', { id: 'calc-picker', class: 'bedside-picker', 'aria-label': 'Calculator' },
    CALCULATORS.map((c) => h('option', { value: c.name }, c.label)));
  picker.value = chosen.name;
  picker.addEventListener('change', () => context.navigate(`/apheresis/calculators?calculator=${picker.value}`, { replace: true }));
  const calcForm = form({
    label: chosen.label, submitLabel: 'Calculate', className: 'form form-bedside', fields: chosen.fields(),
    onSubmit: async (values) => {
      const params = registry.filled(values);
      const figures = await api.get(`/api/v1/apheresis/calc/${chosen.name}`, params);
      replace(result, figuresView(figures, chosen.label, 'calc-figures'));
    },
  });
  replace(context.main,
    h('h1', null, 'Apheresis calculators'),
    h('p', { class: 'muted' }, 'The figures are worked out by the server, with the inputs they came from; no patient data is kept.'),
    h('div', { class: 'field bedside' }, h('label', { for: 'calc-picker' }, 'Calculator'), picker),
    calcForm.element, result);
}

/* --- patients ---------------------------------------------------------------------- */

const patientName = (p) => `${p.family_name}, ${p.given_name}`;

export async function renderPatients(context) {
  const list = dataTable({
    caption: 'Apheresis patients', captionHidden: true, csvName: 'patients.csv', noun: 'patients',
    empty: 'No patient.', url: true, load: apiLoader('/api/v1/patients'),
    filters: [{ id: 'q', label: 'Search', type: 'text', hint: 'A piece of the MRN or of a name.' }],
    columns: [
      { id: 'name', label: 'Patient', header: true, value: patientName, cell: (p) => h('a', { href: `/patients/${p.id}` }, patientName(p)) },
      { id: 'mrn', label: 'MRN', value: (p) => p.mrn },
      { id: 'hospital', label: 'Hospital', value: (p) => p.hospital, cell: (p) => `${p.hospital} ${p.hospital_name}` },
      { id: 'birth_date', label: 'Born', phone: false, value: (p) => p.birth_date, cell: (p) => format.date(p.birth_date) },
      { id: 'active_orders', label: 'Active orders', sortable: false, numeric: true, value: (p) => p.active_orders },
    ],
  });
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Apheresis patients'),
      session.can('apheresis.write') ? h('a', { class: 'button-primary', href: '/patients/new' }, 'New patient') : null),
    registry.notices().element,
    h('p', { class: 'muted' }, 'Opening a patient\u2019s record is recorded in the audit trail.'),
    list.element);
  await list.ready;
}

function patientFields(p = {}) {
  return [
    p.id ? null : field({ name: 'hospital', label: 'Hospital', required: true, autocapitalize: 'characters', size: '12', hint: 'Its code, e.g. CEDARS.' }),
    field({ name: 'mrn', label: 'Medical record number', required: true, value: p.mrn, autocomplete: 'off' }),
    field({ name: 'family_name', label: 'Family name', required: true, value: p.family_name }),
    field({ name: 'given_name', label: 'Given name', required: true, value: p.given_name }),
    field({ name: 'birth_date', label: 'Date of birth', type: 'date', required: true, value: p.birth_date }),
    field({ name: 'sex', label: 'Sex', options: SEX, required: true, value: p.sex }),
    number('height_m', 'Height (m)', '0.3 to 2.5 m, e.g. 1.65', { required: true, value: p.height_m ?? '' }),
    number('weight_kg', 'Weight (kg)', '0.5 to 350 kg', { required: true, value: p.weight_kg ?? '' }),
  ].filter(Boolean);
}

export async function renderNewPatient(context) {
  const patientForm = form({
    label: 'New patient', submitLabel: 'Add the patient', className: 'form form-bedside', fields: patientFields(),
    onSubmit: async (values) => {
      const p = await api.post('/api/v1/patients', registry.filled({ ...values, hospital: values.hospital.trim().toUpperCase() }), { idempotencyKey: api.idempotencyKey() });
      registry.flash(`${patientName(p)} (MRN ${p.mrn}) is added.`);
      context.navigate(`/patients/${p.id}`);
    },
  });
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/patients' }, 'Apheresis patients'), ' \u203a ', 'New'),
    h('h1', null, 'New patient'), patientForm.element);
}

function ordersTable(p) {
  return dataTable({
    caption: 'Orders', captionHidden: true, csvName: `patient-${p.id}-orders.csv`, noun: 'orders',
    empty: 'No order yet.', rows: p.orders, sort: [{ id: 'id', desc: true }],
    columns: [
      { id: 'id', label: 'Order', header: true, value: (o) => o.id, cell: (o) => h('a', { href: `/apheresis-orders/${o.id}` }, `Order ${o.id}`) },
      { id: 'procedure', label: 'Procedure', value: (o) => o.procedure_label },
      { id: 'course', label: 'Course', value: (o) => `${o.procedures}, ${o.frequency}` },
      { id: 'status', label: 'Status', value: (o) => o.status },
      { id: 'created_at', label: 'Ordered', phone: false, value: (o) => o.created_at, cell: (o) => format.timestamp(o.created_at) },
    ],
  });
}

export async function renderPatient(context) {
  const p = await registry.loadRecord(context, {
    path: '/api/v1/patients', noun: 'patient', param: 'id', keyName: 'id', title: patientName,
    back: ['/patients', 'Back to the patients'],
  });
  if (!p) return;
  const writes = session.can('apheresis.write');
  const edit = writes ? registry.disclosure('Edit the patient', () => form({
    label: 'Edit the patient', submitLabel: 'Save changes', className: 'form form-bedside', fields: patientFields(p),
    onSubmit: async (values) => {
      const changes = registry.changed(p, values);
      if (Object.keys(changes).length) await api.patch(`/api/v1/patients/${p.id}`, changes);
      registry.flash('The patient is saved.');
      context.navigate(`/patients/${p.id}`, { replace: true });
    },
  }).element) : null;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/patients' }, 'Apheresis patients'), ' \u203a ', patientName(p)),
    h('h1', null, patientName(p)),
    registry.notices().element,
    h('section', { class: 'panel', 'aria-labelledby': 'patient-details' }, h('h2', { id: 'patient-details' }, 'Patient'),
      registry.details([['MRN', p.mrn], ['Hospital', `${p.hospital} ${p.hospital_name}`], ['Born', format.date(p.birth_date)],
        ['Sex', p.sex], ['Height', `${p.height_m} m`], ['Weight', `${p.weight_kg} kg`],
        ['Updated', `${format.timestamp(p.updated_at)} by ${p.updated_by}`]]),
      edit ? edit.element : null),
    figuresView(p.tbv, 'Total blood volume', 'patient-tbv'),
    h('section', { class: 'panel', 'aria-labelledby': 'patient-orders' },
      h('div', { class: 'page-head' }, h('h2', { id: 'patient-orders' }, 'Physicians\u2019 orders'),
        writes ? h('a', { class: 'button-primary', href: `/apheresis-orders/new?patient=${p.id}` }, 'New order') : null),
      ordersTable(p).element));
}

/* --- orders ------------------------------------------------------------------------ */

export async function renderNewOrder(context) {
  const { apheresis: choices } = await reference();
  if (!context.active()) return;
  const patient = context.query.get('patient') || '';
  const fields = [
    field({ name: 'patient', label: 'Patient number', required: true, value: patient, inputmode: 'numeric' }),
    field({ name: 'physician', label: 'Ordering physician', required: true }),
    field({ name: 'procedure_type', label: 'Procedure type', options: choices.procedures, required: true }),
    field({ name: 'indication', label: 'Indication', required: true }),
    field({ name: 'asfa_category', label: 'ASFA category', options: choices.categories, required: true }),
    field({ name: 'asfa_grade', label: 'ASFA grade', options: choices.grades, required: true }),
    number('procedures', 'Procedures in the course', '1 to 60; an adsorptive course: 5 or 10', { required: true, inputmode: 'numeric' }),
    field({ name: 'frequency', label: 'Frequency', required: true, hint: '\u201cdaily\u201d, \u201cevery 2 days\u201d or \u201c3 per week\u201d' }),
    number('hct', 'Patient\u2019s hematocrit at ordering', 'A fraction: 0.42 for 42%. Required for plasma and red cell exchange.'),
    number('volumes', 'Plasma volumes to exchange', 'Plasma exchange: more than 0, at most 3'),
    number('albumin_fraction', 'Albumin part of the replacement', 'Plasma exchange: 0 (all plasma) to 1 (all albumin); empty: 1'),
    number('replacement_hct', 'Replacement cells\u2019 hematocrit', 'Red cell exchange: 0.60 for 60%'),
    number('remaining', 'Fraction of the patient\u2019s cells to remain', 'Red cell exchange: 0.30 for 30%'),
    number('target_hct', 'Target hematocrit', 'Red cell exchange, a fraction'),
    number('unit_ml', 'Volume of a replacement unit (mL)', 'Red cell exchange: 100 to 500; empty: 275'),
    field({ name: 'anticoagulant', label: 'Anticoagulant', options: [{ value: '', label: 'None given' }, ...choices.anticoagulants] }),
    number('ratio', 'AC:inlet ratio 1:N', 'N from 2 to 50'),
    number('inlet_ml_min', 'Inlet rate (mL/min)', 'With a ratio: the anticoagulant flow is worked out'),
  ];
  const orderForm = form({
    label: 'New apheresis order', submitLabel: 'Add the order', className: 'form form-bedside', fields,
    onSubmit: async (values) => {
      const o = await api.post('/api/v1/apheresis-orders', registry.filled(values), { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Order ${o.id} for ${o.patient_name} is added.`);
      context.navigate(`/apheresis-orders/${o.id}`);
    },
  });
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/patients' }, 'Apheresis patients'), ' \u203a ',
      patient ? h('a', { href: `/patients/${encodeURIComponent(patient)}` }, `Patient ${patient}`) : null, patient ? ' \u203a ' : null, 'New order'),
    h('h1', null, 'New apheresis order'),
    h('p', { class: 'muted' }, 'The calculations are worked out from the patient\u2019s sex, height and weight and this prescription once the order is added.'),
    orderForm.element);
}

const numberOrDash = (value, unit = '') => (value === null || value === undefined ? null : `${value}${unit}`);

/* The course as it goes: N of M done, the bookings and the procedure records. */
function courseView(o, bookings, procedures) {
  const signed = procedures.filter((p) => p.status === 'signed').length;
  const ahead = bookings.filter((b) => b.status === 'booked').length;
  const bookingsTable = dataTable({
    caption: 'Bookings', captionHidden: true, csvName: `order-${o.id}-bookings.csv`, noun: 'bookings',
    empty: 'No procedure is booked.', rows: bookings, sort: [{ id: 'start', desc: false }],
    columns: [
      { id: 'start', label: 'Booked for', header: true, value: (b) => b.starts_at,
        cell: (b) => h('a', { href: `/apheresis-bookings/${b.id}` }, `${b.start_local} \u2013 ${b.end_local.slice(11)}`) },
      { id: 'nurse', label: 'Nurse', value: (b) => b.nurse_name },
      { id: 'device', label: 'Device', value: (b) => b.device },
      { id: 'status', label: 'Status', value: (b) => b.status },
    ],
  });
  const proceduresTable = dataTable({
    caption: 'Procedures', captionHidden: true, csvName: `order-${o.id}-procedures.csv`, noun: 'procedures',
    empty: 'No procedure is recorded.', rows: procedures, sort: [{ id: 'started_at', desc: false }],
    columns: [
      { id: 'started_at', label: 'Performed', header: true, value: (p) => p.started_at,
        cell: (p) => h('a', { href: `/apheresis-procedures/${p.id}` }, `Procedure ${p.id}, ${format.date(p.performed_on)}`) },
      { id: 'nurse', label: 'Nurse', value: (p) => p.nurse },
      { id: 'outcome', label: 'Outcome', value: (p) => p.outcome },
      { id: 'status', label: 'Status', value: (p) => p.status },
    ],
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'order-course' },
    h('h2', { id: 'order-course' }, 'The course'),
    h('p', { id: 'course-count' }, `${procedures.length} of ${o.procedures} procedure${o.procedures === 1 ? '' : 's'} done`
      + ` (${signed} signed), ${ahead} booked ahead.`),
    h('h3', null, 'Bookings'), bookingsTable.element,
    h('h3', null, 'Procedure records'), proceduresTable.element);
}

export async function renderOrder(context) {
  const o = await registry.loadRecord(context, {
    path: '/api/v1/apheresis-orders', noun: 'apheresis order', param: 'id', keyName: 'id', title: (r) => `Apheresis order ${r.id}`,
    back: ['/patients', 'Back to the patients'],
  });
  if (!o) return;
  const [{ apheresis: choices }, bookings, procedures] = await Promise.all([reference(),
    api.getAll('/api/v1/apheresis-bookings', { order: o.id }), api.getAll('/api/v1/apheresis-procedures', { order: o.id })]);
  if (!context.active()) return;
  const rx = o.prescription;
  const cancel = session.can('apheresis.write') && o.status === 'active' ? confirmedForm({
    label: 'Cancel the order', submitLabel: 'Cancel the order\u2026',
    fields: [field({ name: 'reason', label: 'Reason', required: true })],
    confirm: () => ({ title: `Cancel order ${o.id}?`, text: 'A cancelled order is not performed.', confirmLabel: 'Cancel it' }),
    onConfirm: async (values) => {
      await api.post(`/api/v1/apheresis-orders/${o.id}/cancel`, { reason: values.reason }, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Order ${o.id} is cancelled.`);
      context.navigate(`/apheresis-orders/${o.id}`, { replace: true });
    },
  }) : null;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/patients' }, 'Apheresis patients'), ' \u203a ',
      h('a', { href: `/patients/${o.patient}` }, o.patient_name), ' \u203a ', `Order ${o.id}`),
    h('h1', null, `Order ${o.id}: ${o.procedure_label}`),
    registry.notices().element,
    session.can('apheresis.write') && o.status === 'active'
      ? h('p', null, h('a', { class: 'button-primary', href: `/apheresis-orders/${o.id}/book` }, 'Book a procedure')) : null,
    h('section', { class: 'panel', 'aria-labelledby': 'order-details' }, h('h2', { id: 'order-details' }, 'Order'),
      registry.details([['Patient', `${o.patient_name} (MRN ${o.mrn}, ${o.hospital})`], ['Physician', o.physician],
        ['Indication', `${o.indication} (ASFA category ${o.asfa_category}, grade ${o.asfa_grade})`],
        ['Course', `${o.procedures} procedure${o.procedures === 1 ? '' : 's'}, ${o.frequency}`],
        ['Hematocrit at ordering', numberOrDash(rx.hct)], ['Plasma volumes', numberOrDash(rx.volumes)],
        ['Albumin part', numberOrDash(rx.albumin_fraction)], ['Replacement hematocrit', numberOrDash(rx.replacement_hct)],
        ['Fraction remaining', numberOrDash(rx.remaining)], ['Target hematocrit', numberOrDash(rx.target_hct)],
        ['Replacement unit', numberOrDash(rx.unit_ml, ' mL')],
        ['Anticoagulant', rx.anticoagulant ? `${(choices.anticoagulants.find((a) => a.value === rx.anticoagulant) || {}).label || rx.anticoagulant}${rx.ratio ? `, 1:${rx.ratio}` : ''}` : null],
        ['Inlet rate', numberOrDash(rx.inlet_ml_min, ' mL/min')],
        ['Status', o.status_reason ? `${o.status}: ${o.status_reason}` : o.status],
        ['Ordered', `${format.timestamp(o.created_at)} by ${o.created_by}`]]),
      cancel),
    courseView(o, bookings, procedures),
    Object.entries(o.calculations).map(([name, calculation]) => figuresView(calculation, CALCULATION_TITLES[name] || name, `calc-${name}`)));
}
