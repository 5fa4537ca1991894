// pages/centers.js - donor centers: the list (/centers, search, status
// filter, open and close dates, status), adding a center (admin), and one
// center (/centers/CODE) with its edit form and the close form with a
// confirmation step (admin). Server errors appear next to their field.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { confirmation, field, form } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

const FIN_HINT = 'ISBT 128 facility identification number: a capital letter and four digits, e.g. W1234.';

/* "Open", "Closed" or "Open, closing Jun 30, 2004" (a close date to come). */
function statusText(center) {
  if (center.status === 'closed') return 'Closed';
  if (center.close_date) return `Open, closing ${format.date(center.close_date, { short: true })}`;
  return 'Open';
}

function statusBadge(center) {
  return h('span', { class: `badge badge-${center.status === 'closed' ? 'closed' : 'open'}` }, statusText(center));
}

function centerFields(markets, center = {}) {
  return [
    field({ name: 'name', label: 'Name', required: true, value: center.name, maxlength: '200' }),
    field({ name: 'market', label: 'Market', required: true, value: center.market, options: markets }),
    field({ name: 'fin', label: 'Facility identification number (FIN)', value: center.fin || '', hint: FIN_HINT, autocapitalize: 'characters', spellcheck: 'false', size: '8' }),
    field({ name: 'address', label: 'Address', value: center.address || '', rows: '2' }),
    field({ name: 'open_date', label: 'Open date', type: 'date', value: center.open_date || '' }),
  ];
}

export async function render(context) {
  const notices = registry.notices();
  const flash = registry.takeFlash();
  if (flash) notices.success(flash);
  const list = registry.list({
    context,
    path: '/api/v1/centers',
    nounPlural: 'donor centers',
    searchLabel: 'Search centers',
    extraParams: { market: context.query.get('market') },
    filters: [{ name: 'status', label: 'Status', options: [{ value: '', label: 'All' }, { value: 'open', label: 'Open' }, { value: 'closed', label: 'Closed' }] }],
    columns: [
      { label: 'Code', value: (c) => h('a', { href: `/centers/${encodeURIComponent(c.code)}` }, c.code), header: true },
      { label: 'Name', value: (c) => c.name },
      { label: 'Market', value: (c) => c.market },
      { label: 'FIN', value: (c) => c.fin || '—' },
      { label: 'Opened', value: (c) => (c.open_date ? format.date(c.open_date, { short: true }) : '—') },
      { label: 'Closed', value: (c) => (c.close_date ? format.date(c.close_date, { short: true }) : '—') },
      { label: 'Status', value: statusBadge },
    ],
  });
  let create = null;
  if (session.can('centers.write')) {
    const markets = await registry.marketOptions('Choose a market');
    if (!context.active()) return;
    create = registry.disclosure('Add a donor center', () => {
      const fields = [field({ name: 'code', label: 'Code', required: true, hint: 'For example LA-02. Stored in capitals.', autocapitalize: 'characters', size: '10' }), ...centerFields(markets)];
      return form({
        fields,
        label: 'Add a donor center',
        submitLabel: 'Add the center',
        secondary: [h('button', { type: 'button', class: 'button-secondary', onClick: () => create.close() }, 'Cancel')],
        onSubmit: async (values) => {
          const center = await api.post('/api/v1/centers', registry.filled(values));
          create.close();
          notices.success(`Donor center ${center.code} ${center.name} is added.`);
          await list.reload();
        },
      }).element;
    });
  }
  const market = context.query.get('market');
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Donor centers'), create ? create.element : null),
    market ? h('p', null, `In market ${market}. `, h('a', { href: '/centers' }, 'Show every market')) : null,
    notices.element,
    list.element);
  await list.ready;
}

function closeSection(context, center, reload) {
  const closeDate = field({ name: 'close_date', label: 'Close date', type: 'date', required: true });
  const reason = field({ name: 'reason', label: 'Reason', required: true, hint: 'Recorded in the audit trail, e.g. "restructuring plan".', maxlength: '500' });
  const holder = h('div');
  const closeForm = form({
    fields: [closeDate, reason],
    label: 'Close this donor center',
    submitLabel: 'Review the closure',
    onSubmit: async (values) => {
      // First step: nothing is sent; ask for confirmation.
      const back = (error) => {
        replace(holder);
        closeForm.element.hidden = false;
        if (error) closeForm.showError(error);
        else closeDate.focus();
      };
      closeForm.element.hidden = true;
      replace(holder, confirmation({
        title: `Close ${center.code}?`,
        text: `${center.code} ${center.name} will be closed on ${format.date(values.close_date)} for the reason “${values.reason.trim()}”. `
          + 'It then counts as a closed center in the same-center analysis of every quarter ending on or after that date. This cannot be undone here.',
        confirmLabel: 'Yes, close the center',
        onCancel: () => back(null),
        onConfirm: async () => {
          try {
            const closed = await api.post(`/api/v1/centers/${encodeURIComponent(center.code)}/close`,
              { close_date: values.close_date, reason: values.reason.trim() });
            registry.flash(`Donor center ${closed.code} is closed as of ${format.date(closed.close_date)}.`);
            reload();
          } catch (error) {
            back(error);
          }
        },
      }));
    },
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'close-title' },
    h('h2', { id: 'close-title' }, 'Close this donor center'),
    h('p', { class: 'muted' }, 'A closed center stays in the records and in past reports.'),
    closeForm.element, holder);
}

export async function renderOne(context) {
  const code = context.params.code;
  let center;
  try {
    center = await api.get(`/api/v1/centers/${encodeURIComponent(code)}`);
  } catch (error) {
    if (context.active()) registry.loadFailure(context, 'donor center', code, error, '/centers', 'Back to the donor centers');
    return;
  }
  if (!context.active()) return;
  context.setTitle(`${center.code} ${center.name}`);
  const notices = registry.notices();
  const flash = registry.takeFlash();
  if (flash) notices.success(flash);
  const reload = () => context.navigate(location.pathname, { replace: true });
  const summary = registry.details([
    ['Code', center.code], ['Name', center.name], ['Market', center.market], ['FIN', center.fin],
    ['Address', center.address], ['Open date', center.open_date ? format.date(center.open_date) : null],
    ['Close date', center.close_date ? format.date(center.close_date) : null], ['Close reason', center.close_reason],
    ['Status', statusBadge(center)], ['Created', format.timestamp(center.created_at)],
  ]);
  let edit = null;
  let close = null;
  if (session.can('centers.write')) {
    const markets = await registry.marketOptions('Choose a market');
    if (!context.active()) return;
    edit = form({
      fields: centerFields(markets, center),
      label: 'Edit the donor center',
      submitLabel: 'Save changes',
      onSubmit: async (values) => {
        const body = registry.changed(center, values);
        if (!Object.keys(body).length) {
          notices.info('Nothing to save: no field was changed.');
          return;
        }
        const saved = await api.patch(`/api/v1/centers/${encodeURIComponent(center.code)}`, body);
        registry.flash(`Changes to ${saved.code} are saved.`);
        reload();
      },
    });
    if (!center.close_date) close = closeSection(context, center, reload);
  }
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/centers' }, 'Donor centers'), ' › ', center.code),
    h('h1', null, `${center.code} ${center.name}`),
    notices.element,
    h('section', { class: 'panel', 'aria-labelledby': 'details-title' }, h('h2', { id: 'details-title' }, 'Details'), summary),
    edit ? h('section', { class: 'panel', 'aria-labelledby': 'edit-title' }, h('h2', { id: 'edit-title' }, 'Edit'), edit.element) : null,
    close);
}
