// pages/hospitals.js - hospitals (the company's customers): the list
// (/hospitals, search), adding one and editing one (/hospitals/CODE) for
// admin, distribution and finance; everyone else reads.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { field, form } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

function hospitalFields(markets, hospital = {}) {
  return [
    field({ name: 'name', label: 'Name', required: true, value: hospital.name, maxlength: '200' }),
    field({ name: 'market', label: 'Market', value: hospital.market || '', options: markets }),
    field({ name: 'address', label: 'Address', value: hospital.address || '', rows: '2' }),
    field({ name: 'billing_terms_days', label: 'Billing terms (days)', type: 'number', min: '0', step: '1', inputmode: 'numeric',
      value: hospital.billing_terms_days === undefined ? '30' : String(hospital.billing_terms_days), hint: 'Days the hospital has to pay an invoice.' }),
  ];
}

/* The form's text turned into the API's types: terms as an integer when
 * it is one (anything else is sent as typed, for the server to name). */
function typed(values) {
  const out = { ...values };
  const terms = String(values.billing_terms_days ?? '').trim();
  if (terms === '') delete out.billing_terms_days;
  else out.billing_terms_days = /^-?\d+$/.test(terms) ? Number(terms) : terms;
  return out;
}

export async function render(context) {
  const notices = registry.notices();
  const flash = registry.takeFlash();
  if (flash) notices.success(flash);
  const list = registry.list({
    context,
    path: '/api/v1/hospitals',
    nounPlural: 'hospitals',
    searchLabel: 'Search hospitals',
    columns: [
      { label: 'Code', value: (x) => h('a', { href: `/hospitals/${encodeURIComponent(x.code)}` }, x.code), header: true },
      { label: 'Name', value: (x) => x.name },
      { label: 'Market', value: (x) => x.market || '—' },
      { label: 'Billing terms', value: (x) => `${x.billing_terms_days} days`, numeric: true },
    ],
  });
  let create = null;
  if (session.can('hospitals.write')) {
    const markets = await registry.marketOptions('No market');
    if (!context.active()) return;
    create = registry.disclosure('Add a hospital', () => form({
      fields: [field({ name: 'code', label: 'Code', required: true, hint: 'For example CEDARS. Stored in capitals.', autocapitalize: 'characters', size: '12' }), ...hospitalFields(markets)],
      label: 'Add a hospital',
      submitLabel: 'Add the hospital',
      secondary: [h('button', { type: 'button', class: 'button-secondary', onClick: () => create.close() }, 'Cancel')],
      onSubmit: async (values) => {
        const hospital = await api.post('/api/v1/hospitals', typed(registry.filled(values)));
        create.close();
        notices.success(`Hospital ${hospital.code} ${hospital.name} is added.`);
        await list.reload();
      },
    }).element);
  }
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Hospitals'), create ? create.element : null),
    notices.element,
    list.element);
  await list.ready;
}

export async function renderOne(context) {
  const code = context.params.code;
  let hospital;
  try {
    hospital = await api.get(`/api/v1/hospitals/${encodeURIComponent(code)}`);
  } catch (error) {
    if (context.active()) registry.loadFailure(context, 'hospital', code, error, '/hospitals', 'Back to the hospitals');
    return;
  }
  if (!context.active()) return;
  context.setTitle(`${hospital.code} ${hospital.name}`);
  const notices = registry.notices();
  const flash = registry.takeFlash();
  if (flash) notices.success(flash);
  let edit = null;
  if (session.can('hospitals.write')) {
    const markets = await registry.marketOptions('No market');
    if (!context.active()) return;
    edit = form({
      fields: hospitalFields(markets, hospital),
      label: 'Edit the hospital',
      submitLabel: 'Save changes',
      onSubmit: async (values) => {
        const body = typed(registry.changed(hospital, values));
        if (!Object.keys(body).length) {
          notices.info('Nothing to save: no field was changed.');
          return;
        }
        const saved = await api.patch(`/api/v1/hospitals/${encodeURIComponent(hospital.code)}`, body);
        registry.flash(`Changes to ${saved.code} are saved.`);
        context.navigate(location.pathname, { replace: true });
      },
    });
  }
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/hospitals' }, 'Hospitals'), ' › ', hospital.code),
    h('h1', null, `${hospital.code} ${hospital.name}`),
    notices.element,
    h('section', { class: 'panel', 'aria-labelledby': 'details-title' }, h('h2', { id: 'details-title' }, 'Details'),
      registry.details([
        ['Code', hospital.code], ['Name', hospital.name], ['Market', hospital.market], ['Address', hospital.address],
        ['Billing terms', `${hospital.billing_terms_days} days`], ['Created', format.timestamp(hospital.created_at)],
      ])),
    edit ? h('section', { class: 'panel', 'aria-labelledby': 'edit-title' }, h('h2', { id: 'edit-title' }, 'Edit'), edit.element) : null);
}
