// pages/trials.js - clinical-trial site services (docs/contract_services.md,
// "Clinical-trial site services"): the sponsors' contracts with their cap
// gauge and headroom (/trial-contracts), a contract (/trial-contracts/ID:
// fees, sites, what was billed), its readiness board of every site with
// what each still lacks, filtered by country and status
// (/trial-contracts/ID/board), and a site (/trial-sites/ID): its tasks
// signed off under the signer's password, its training log and its bills,
// printable for an inspection (print.css and print_header.js give the
// printed header).

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { dataTable } from '../data_table.js';
import { confirmedForm, field, form } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/trial-contracts', render, title: 'Clinical trials', capability: 'trials',
    nav: { area: 'services', order: 70, label: 'Clinical trials', description: 'Sponsors\u2019 trial contracts, their sites\u2019 readiness and what was billed under each cap.' } },
  { pattern: '/trial-contracts/:id', render: renderContract, title: 'Trial contract', capability: 'trials' },
  { pattern: '/trial-contracts/:id/board', render: renderBoard, title: 'Readiness board', capability: 'trials' },
  { pattern: '/trial-sites/:id', render: renderSite, title: 'Trial site', capability: 'trials' },
];

const API = '/api/v1/trial-contracts';
const SITES = '/api/v1/trial-sites';
const money = (m) => format.money(m, { cents: true });

const KINDS = [
  { value: 'setup', label: 'Set-up' }, { value: 'verification', label: 'Verification' },
  { value: 'training', label: 'Training visit' }, { value: 'procedure', label: 'Investigational procedure' },
];
const kindLabel = (k) => (KINDS.find((x) => x.value === k) || { label: k }).label;
const STATUSES = [
  { value: 'planned', label: 'Planned' }, { value: 'setting_up', label: 'Setting up' }, { value: 'verified', label: 'Verified' },
  { value: 'ready', label: 'Ready' }, { value: 'active', label: 'Active' }, { value: 'closed', label: 'Closed' },
];
const statusLabel = (s) => (STATUSES.find((x) => x.value === s) || { label: s }).label;
const COUNTRIES = [{ value: 'US', label: 'United States' }, { value: 'CA', label: 'Canada' }];
const LACKS = { setup: 'set-up', verification: 'verification', trained_investigator: 'a trained investigator', trained_nurse: 'a trained nurse' };
const lacksText = (s) => (s.lacks.length ? s.lacks.map((l) => LACKS[l] || l).join(', ') : 'nothing: ready');

/* The cap gauge: billed against the cap, with the headroom in words. */
function capGauge(c) {
  const cap = Number(c.cap);
  const billed = Number(c.billed);
  return h('div', { class: 'trial-cap' },
    h('meter', { class: 'trial-cap-gauge', min: '0', max: String(cap), value: String(billed), high: String(cap * 0.9), optimum: '0',
      'aria-label': `Billed ${money(c.billed)} of the cap ${money(c.cap)}` }),
    h('p', { class: 'trial-cap-text' }, `Billed ${money(c.billed)} of ${money(c.cap)}; headroom `,
      h('strong', { class: 'trial-headroom' }, money(c.headroom)),
      Number(c.headroom) === 0 ? ': the cap is reached, nothing more is billed.' : '.'));
}

export async function render(context) {
  const answer = await api.get(API);
  const list = dataTable({
    caption: 'Clinical-trial contracts', captionHidden: true, csvName: 'trial-contracts.csv', noun: 'contracts',
    empty: 'No trial contract.', rows: answer.items,
    columns: [
      { id: 'id', label: 'Contract', header: true, value: (c) => c.id, cell: (c) => h('a', { href: `/trial-contracts/${c.id}` }, `Contract ${c.id}`) },
      { id: 'sponsor', label: 'Sponsor', value: (c) => `${c.sponsor} ${c.sponsor_name}` },
      { id: 'device', label: 'Device', value: (c) => c.device },
      { id: 'end', label: 'Ends', value: (c) => c.end, cell: (c) => format.date(c.end) },
      { id: 'site_count', label: 'Sites', numeric: true, value: (c) => c.site_count },
      { id: 'billed', label: 'Billed', numeric: true, value: (c) => Number(c.billed), cell: (c) => money(c.billed) },
      { id: 'cap', label: 'Cap', numeric: true, value: (c) => Number(c.cap), cell: (c) => money(c.cap) },
      { id: 'headroom', label: 'Headroom', numeric: true, value: (c) => Number(c.headroom), cell: (c) => money(c.headroom) },
      { id: 'board', label: 'Board', sortable: false, csv: false, value: () => '', cell: (c) => h('a', { href: `/trial-contracts/${c.id}/board` }, 'Readiness board') },
    ],
  });
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Clinical trials')),
    registry.notices().element,
    h('p', { class: 'muted' }, 'Each signed-off site task and investigational procedure is billed to the sponsor at the contract\u2019s fee, never past its cap.'),
    list.element,
    session.can('trials.write') ? registry.disclosure('New trial contract', () => newContractForm(context).element).element : null);
  await list.ready;
}

function newContractForm(context) {
  return form({
    label: 'New trial contract', submitLabel: 'Add the contract', className: 'form form-phone',
    fields: [
      field({ name: 'sponsor', label: 'Sponsor', required: true, autocapitalize: 'characters', size: '12', hint: 'A billing customer\u2019s code.' }),
      field({ name: 'device', label: 'Device', required: true, size: '30' }),
      field({ name: 'protocols', label: 'Protocols', size: '30', hint: 'Comma-separated.' }),
      field({ name: 'start', label: 'First day', type: 'date', required: true, value: format.today() }),
      field({ name: 'end', label: 'Last day', type: 'date', required: true }),
      field({ name: 'cap', label: 'Cap ($)', inputmode: 'decimal', required: true, size: '12' }),
      field({ name: 'market', label: 'Market', autocapitalize: 'characters', size: '8', hint: 'Default: the sponsor\u2019s.' }),
    ],
    onSubmit: async (values) => {
      const c = await api.post(API, registry.filled({ ...values, sponsor: values.sponsor.trim().toUpperCase() }), { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Trial contract ${c.id} of ${c.sponsor} is added.`);
      context.navigate(`/trial-contracts/${c.id}`);
    },
  });
}

function feeForm(context, c) {
  return form({
    label: 'Set a fee', submitLabel: 'Set the fee',
    fields: [
      field({ name: 'kind', label: 'For', options: KINDS, value: 'setup' }),
      field({ name: 'price', label: 'Fee ($)', inputmode: 'decimal', required: true, size: '10' }),
    ],
    onSubmit: async (values) => {
      await api.post(`${API}/${c.id}/fees`, values, { idempotencyKey: api.idempotencyKey() });
      registry.flash(`The ${kindLabel(values.kind).toLowerCase()} fee is set.`);
      context.navigate(`/trial-contracts/${c.id}`, { replace: true });
    },
  });
}

function siteForm(context, c) {
  return form({
    label: 'New site', submitLabel: 'Add the site', className: 'form form-phone',
    fields: [
      field({ name: 'name', label: 'Name', required: true, size: '30' }),
      field({ name: 'country', label: 'Country', options: COUNTRIES, value: 'US' }),
      field({ name: 'city', label: 'City', required: true, size: '20' }),
      field({ name: 'investigator', label: 'Principal investigator', required: true, size: '30' }),
      field({ name: 'market', label: 'Market', autocapitalize: 'characters', size: '8', hint: `Serving the site; default ${c.market}.` }),
    ],
    onSubmit: async (values) => {
      const s = await api.post(`${API}/${c.id}/sites`, registry.filled(values), { idempotencyKey: api.idempotencyKey() });
      registry.flash(`Site ${s.name} is added.`);
      context.navigate(`/trial-sites/${s.id}`);
    },
  });
}

function billsTable(rows, name) {
  return dataTable({
    caption: 'Billed to the sponsor', captionHidden: true, csvName: `${name}.csv`, noun: 'bills',
    empty: 'Nothing billed yet.', rows, sort: [{ id: 'id', desc: true }],
    columns: [
      { id: 'id', label: 'Bill', header: true, value: (b) => b.id },
      { id: 'date', label: 'Day', value: (b) => b.date, cell: (b) => format.date(b.date) },
      { id: 'site_name', label: 'Site', value: (b) => b.site_name, cell: (b) => h('a', { href: `/trial-sites/${b.site}` }, b.site_name) },
      { id: 'kind', label: 'For', value: (b) => kindLabel(b.kind), cell: (b) => (b.procedure ? `${kindLabel(b.kind)} ${b.procedure}` : kindLabel(b.kind)) },
      { id: 'price', label: 'Fee', numeric: true, value: (b) => Number(b.price), cell: (b) => money(b.price) },
      { id: 'amount', label: 'Billed', numeric: true, value: (b) => Number(b.amount), cell: (b) => money(b.amount) },
      { id: 'note', label: 'Note', value: (b) => b.note },
      { id: 'invoice', label: 'Invoice', value: (b) => b.invoice ?? '', cell: (b) => (b.invoice && session.can('billing') ? h('a', { href: `/invoices/${b.invoice}` }, b.invoice_number || `Draft ${b.invoice}`) : (b.invoice_number || (b.invoice ? `Draft ${b.invoice}` : '\u2014'))) },
    ],
  });
}

const siteColumns = [
  { id: 'name', label: 'Site', header: true, value: (s) => s.name, cell: (s) => h('a', { href: `/trial-sites/${s.id}` }, s.name) },
  { id: 'country', label: 'Country', value: (s) => s.country },
  { id: 'city', label: 'City', value: (s) => s.city },
  { id: 'investigator', label: 'Investigator', value: (s) => s.investigator },
  { id: 'status', label: 'Status', value: (s) => s.status, cell: (s) => h('span', { class: `trial-status trial-status-${s.status}` }, statusLabel(s.status)) },
  { id: 'lacks', label: 'Still lacks', value: lacksText },
  { id: 'billed', label: 'Billed', numeric: true, value: (s) => Number(s.billed), cell: (s) => money(s.billed) },
];

export async function renderContract(context) {
  const c = await registry.loadRecord(context, {
    path: API, noun: 'trial contract', param: 'id', keyName: 'id', title: (r) => `Trial contract ${r.id}`,
    back: ['/trial-contracts', 'Back to the clinical trials'],
  });
  if (!c) return;
  const writes = session.can('trials.write');
  const fees = Object.fromEntries(c.fees.map((f) => [f.kind, f.price]));
  const sites = dataTable({ caption: 'Sites', captionHidden: true, csvName: `trial-${c.id}-sites.csv`, noun: 'sites', empty: 'No site yet.', rows: c.sites, columns: siteColumns });
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/trial-contracts' }, 'Clinical trials'), ' \u203a ', `Contract ${c.id}`),
    h('h1', null, `Trial contract ${c.id}: ${c.device} (${c.sponsor_name})`),
    registry.notices().element,
    h('section', { class: 'panel', 'aria-labelledby': 'trial-cap' }, h('h2', { id: 'trial-cap' }, 'Cap'), capGauge(c)),
    h('section', { class: 'panel', 'aria-labelledby': 'trial-details' }, h('h2', { id: 'trial-details' }, 'Contract'),
      registry.details([['Sponsor', `${c.sponsor} ${c.sponsor_name}`], ['Device', c.device], ['Protocols', c.protocols.join(', ') || '\u2014'],
        ['Market', c.market], ['Term', `${format.date(c.start)} to ${format.date(c.end)}`],
        ...KINDS.map((k) => [`${k.label} fee`, fees[k.value] !== undefined ? money(fees[k.value]) : 'none (not billed)']),
        ['Added', `${format.timestamp(c.created_at)} by ${c.created_by}`]]),
      writes ? registry.disclosure('Set a fee', () => feeForm(context, c).element).element : null),
    h('section', { class: 'panel', 'aria-labelledby': 'trial-sites' }, h('h2', { id: 'trial-sites' }, 'Sites'),
      h('p', null, h('a', { href: `/trial-contracts/${c.id}/board` }, 'The readiness board')),
      sites.element,
      writes ? registry.disclosure('New site', () => siteForm(context, c).element).element : null),
    h('section', { class: 'panel', 'aria-labelledby': 'trial-bills' }, h('h2', { id: 'trial-bills' }, 'Billed to the sponsor'),
      billsTable(c.bills, `trial-${c.id}-bills`).element));
}

export async function renderBoard(context) {
  const id = context.params.id;
  let board;
  try {
    board = await api.get(`${API}/${encodeURIComponent(id)}/board`);
  } catch (error) {
    replace(context.main, h('h1', null, 'Readiness board'), h('p', { class: 'form-alert', role: 'alert' }, error.message));
    return;
  }
  const table = dataTable({
    caption: 'Readiness board', captionHidden: true, csvName: `trial-${board.id}-board.csv`, noun: 'sites', url: true,
    empty: 'No site matches.', rows: board.sites,
    filters: [
      { id: 'country', label: 'Country', type: 'select', all: 'Every country', options: COUNTRIES },
      { id: 'status', label: 'Status', type: 'select', all: 'Every status', options: STATUSES },
    ],
    rowClass: (s) => (s.ready ? 'trial-ready' : null),
    columns: siteColumns,
  });
  const ready = board.sites.filter((s) => s.ready).length;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/trial-contracts' }, 'Clinical trials'), ' \u203a ',
      h('a', { href: `/trial-contracts/${board.id}` }, `Contract ${board.id}`), ' \u203a ', 'Readiness board'),
    h('h1', null, `Readiness board: ${board.device} (${board.sponsor_name})`),
    h('p', { class: 'trial-board-summary' }, `${ready} of ${board.sites.length} sites ready. A site is ready when set up, verified, and at least one investigator and one nurse are trained.`),
    capGauge(board),
    table.element);
  await table.ready;
}

function signForm(context, s) {
  const done = new Set(s.tasks.map((t) => t.kind));
  const open = KINDS.filter((k) => k.value !== 'procedure' && !done.has(k.value));
  if (!open.length) return null;
  return confirmedForm({
    label: 'Sign off a task', submitLabel: 'Sign off\u2026',
    fields: [
      field({ name: 'kind', label: 'Task', options: open, value: open[0].value }),
      field({ name: 'date', label: 'Done on', type: 'date', required: true, value: format.today() }),
      field({ name: 'password', label: 'Your password', type: 'password', required: true, autocomplete: 'current-password', hint: 'Your electronic signature.' }),
    ],
    confirm: (values) => ({ title: `Sign off the ${kindLabel(values.kind).toLowerCase()} of ${s.name}?`,
      text: 'The signature is yours and final; a billable task is billed to the sponsor now.', confirmLabel: 'Sign it' }),
    onConfirm: async (values) => {
      // A wrong password is the signature's refusal, not the session's end.
      await api.post(`${SITES}/${s.id}/tasks`, values, { idempotencyKey: api.idempotencyKey(), quiet401: true });
      registry.flash(`The ${kindLabel(values.kind).toLowerCase()} of ${s.name} is signed off.`);
      context.navigate(`/trial-sites/${s.id}`, { replace: true });
    },
  });
}

function trainingForm(context, s) {
  return form({
    label: 'Log a training', submitLabel: 'Log the training', className: 'form form-phone',
    fields: [
      field({ name: 'person', label: 'Person', required: true, size: '30' }),
      field({ name: 'role', label: 'Role', options: [{ value: 'investigator', label: 'Investigator' }, { value: 'nurse', label: 'Nurse' }], value: 'investigator' }),
      field({ name: 'date', label: 'Day', type: 'date', required: true, value: format.today() }),
      field({ name: 'trainer', label: 'Trainer', required: true, size: '30' }),
      field({ name: 'topic', label: 'Topic', size: '30' }),
    ],
    onSubmit: async (values) => {
      await api.post(`${SITES}/${s.id}/training`, registry.filled(values), { idempotencyKey: api.idempotencyKey() });
      registry.flash(`The training of ${values.person} is logged.`);
      context.navigate(`/trial-sites/${s.id}`, { replace: true });
    },
  });
}

export async function renderSite(context) {
  const s = await registry.loadRecord(context, {
    path: SITES, noun: 'trial site', param: 'id', keyName: 'id', title: (r) => `Trial site ${r.name}`,
    back: ['/trial-contracts', 'Back to the clinical trials'],
  });
  if (!s) return;
  const writes = session.can('trials.write') && s.status !== 'closed';
  const c = s.contract_summary;
  const tasks = dataTable({
    caption: 'Tasks signed off', captionHidden: true, csvName: `trial-site-${s.id}-tasks.csv`, noun: 'tasks',
    empty: 'No task signed off yet.', rows: s.tasks,
    columns: [
      { id: 'kind', label: 'Task', header: true, value: (t) => kindLabel(t.kind) },
      { id: 'date', label: 'Done on', value: (t) => t.date, cell: (t) => format.date(t.date) },
      { id: 'signed_by', label: 'Signed by', value: (t) => t.signed_by },
      { id: 'signed_at', label: 'Signed at', value: (t) => t.signed_at, cell: (t) => format.timestamp(t.signed_at) },
      { id: 'billed', label: 'Billed', numeric: true, value: (t) => Number(t.billed || 0), cell: (t) => (t.billed ? money(t.billed) : 'not billable') },
      { id: 'note', label: 'Note', value: (t) => t.note || '' },
    ],
  });
  const training = dataTable({
    caption: 'Training log', captionHidden: true, csvName: `trial-site-${s.id}-training.csv`, noun: 'trainings',
    empty: 'No training logged yet.', rows: s.training,
    columns: [
      { id: 'date', label: 'Day', header: true, value: (t) => t.date, cell: (t) => format.date(t.date) },
      { id: 'person', label: 'Person', value: (t) => t.person },
      { id: 'role', label: 'Role', value: (t) => t.role },
      { id: 'trainer', label: 'Trainer', value: (t) => t.trainer },
      { id: 'topic', label: 'Topic', value: (t) => t.topic },
    ],
  });
  const sign = writes ? signForm(context, s) : null;
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/trial-contracts' }, 'Clinical trials'), ' \u203a ',
      h('a', { href: `/trial-contracts/${s.contract}` }, `Contract ${s.contract}`), ' \u203a ', s.name),
    h('div', { class: 'page-head' }, h('h1', null, `Trial site ${s.name}`),
      h('div', { class: 'button-row no-print' }, h('button', { type: 'button', class: 'button-secondary', onClick: () => window.print() }, 'Print for an inspection'))),
    registry.notices().element,
    h('section', { class: 'panel', 'aria-labelledby': 'site-details' }, h('h2', { id: 'site-details' }, 'Site'),
      registry.details([['Trial', `${c.device}, contract ${c.id} of ${c.sponsor_name}`], ['Protocols', c.protocols.join(', ') || '\u2014'],
        ['Country', s.country], ['City', s.city], ['Principal investigator', s.investigator], ['Market', s.market],
        ['Status', statusLabel(s.status)], ['Still lacks', lacksText(s)], ['Billed', money(s.billed)],
        ['Contract headroom', money(c.headroom)]])),
    h('section', { class: 'panel', 'aria-labelledby': 'site-tasks' }, h('h2', { id: 'site-tasks' }, 'Tasks and sign-offs'),
      tasks.element, sign ? h('div', { class: 'no-print' }, sign) : null),
    h('section', { class: 'panel', 'aria-labelledby': 'site-training' }, h('h2', { id: 'site-training' }, 'Training log'),
      training.element, writes ? h('div', { class: 'no-print' }, registry.disclosure('Log a training', () => trainingForm(context, s).element).element) : null),
    h('section', { class: 'panel', 'aria-labelledby': 'site-bills' }, h('h2', { id: 'site-bills' }, 'Billed to the sponsor'),
      billsTable(s.bills, `trial-site-${s.id}-bills`).element));
}
