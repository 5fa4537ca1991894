// pages/markets.js - markets (regions such as Los Angeles, New York): the
// list (/markets, search), adding one and renaming one (/markets/CODE),
// both for admin.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { field, form } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

export async function render(context) {
  const notices = registry.notices();
  const flash = registry.takeFlash();
  if (flash) notices.success(flash);
  const list = registry.list({
    context,
    path: '/api/v1/markets',
    nounPlural: 'markets',
    searchLabel: 'Search markets',
    columns: [
      { label: 'Code', value: (m) => h('a', { href: `/markets/${encodeURIComponent(m.code)}` }, m.code), header: true },
      { label: 'Name', value: (m) => m.name },
      { label: 'Created', value: (m) => format.timestamp(m.created_at) },
    ],
  });
  let create = null;
  if (session.can('markets.write')) {
    create = registry.disclosure('Add a market', () => form({
      fields: [
        field({ name: 'code', label: 'Code', required: true, hint: 'For example NY. Stored in capitals.', autocapitalize: 'characters', size: '8' }),
        field({ name: 'name', label: 'Name', required: true, maxlength: '200' }),
      ],
      label: 'Add a market',
      submitLabel: 'Add the market',
      secondary: [h('button', { type: 'button', class: 'button-secondary', onClick: () => create.close() }, 'Cancel')],
      onSubmit: async (values) => {
        const market = await api.post('/api/v1/markets', registry.filled(values));
        create.close();
        notices.success(`Market ${market.code} ${market.name} is added.`);
        await list.reload();
      },
    }).element);
  }
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Markets'), create ? create.element : null),
    notices.element,
    list.element);
  await list.ready;
}

export async function renderOne(context) {
  const code = context.params.code;
  let market;
  try {
    market = await api.get(`/api/v1/markets/${encodeURIComponent(code)}`);
  } catch (error) {
    if (context.active()) registry.loadFailure(context, 'market', code, error, '/markets', 'Back to the markets');
    return;
  }
  if (!context.active()) return;
  context.setTitle(`${market.code} ${market.name}`);
  const notices = registry.notices();
  const flash = registry.takeFlash();
  if (flash) notices.success(flash);
  let edit = null;
  if (session.can('markets.write')) {
    edit = form({
      fields: [field({ name: 'name', label: 'Name', required: true, value: market.name, maxlength: '200' })],
      label: 'Rename the market',
      submitLabel: 'Save changes',
      onSubmit: async (values) => {
        const body = registry.changed(market, values);
        if (!Object.keys(body).length) {
          notices.info('Nothing to save: the name is unchanged.');
          return;
        }
        const saved = await api.patch(`/api/v1/markets/${encodeURIComponent(market.code)}`, body);
        registry.flash(`Changes to ${saved.code} are saved.`);
        context.navigate(location.pathname, { replace: true });
      },
    });
  }
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/markets' }, 'Markets'), ' › ', market.code),
    h('h1', null, `${market.code} ${market.name}`),
    notices.element,
    h('section', { class: 'panel', 'aria-labelledby': 'details-title' }, h('h2', { id: 'details-title' }, 'Details'),
      registry.details([['Code', market.code], ['Name', market.name], ['Created', format.timestamp(market.created_at)]]),
      h('p', null, h('a', { href: `/centers?market=${encodeURIComponent(market.code)}` }, `Donor centers in ${market.code}`))),
    edit ? h('section', { class: 'panel', 'aria-labelledby': 'edit-title' }, h('h2', { id: 'edit-title' }, 'Rename'), edit.element) : null);
}
