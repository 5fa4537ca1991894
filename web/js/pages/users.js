// pages/users.js - user administration (/users, admin): the users with
// their roles, the centers and markets they are assigned to and their
// state, adding a user (roles as checkboxes), assigning centers and markets
// (checkboxes), resetting a password and disabling a user (with a reason
// and a confirmation step). Both of the last end the user's sessions,
// which the messages say.

import * as api from '../api.js';
import { h, replace, table } from '../dom.js';
import { confirmedForm, field, form } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/users', render, title: 'Users', capability: 'users',
    nav: { area: 'administration', order: 40, label: 'Users', description: 'Who can log in and with which roles.' } },
];

function addForm(onAdded, onCancel) {
  return form({
    label: 'Add a user',
    submitLabel: 'Add the user',
    fields: [
      field({ name: 'username', label: 'User name', required: true, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' }),
      field({ name: 'full_name', label: 'Full name', required: true, autocomplete: 'off' }),
      field({ name: 'roles', label: 'Roles', required: true, hint: 'Choose one or more.',
        checkboxes: session.ROLES.map((role) => ({ value: role, label: session.ROLE_LABELS[role] })) }),
      field({ name: 'password', label: 'Initial password', type: 'password', required: true, autocomplete: 'new-password',
        hint: '10 to 128 characters. Give it to the user through a safe channel.' }),
    ],
    secondary: [h('button', { type: 'button', class: 'button-secondary', onClick: onCancel }, 'Cancel')],
    onSubmit: async (values) => {
      if (!values.roles.length) throw Object.assign(new Error('Choose at least one role.'), { field: 'roles' });
      const user = await api.post('/api/v1/users', {
        username: values.username.trim(),
        full_name: values.full_name.trim(),
        roles: values.roles.join(','),
        password: values.password,
      });
      onAdded(user);
    },
  });
}

/* The centers and markets a user works in (each list replaces the one
 * before): what limits donor-center staff and apheresis nurses. */
function scopePanel(user, choices, done, cancel) {
  const boxes = (items, chosen) => items.map((item) => ({ value: item.code, label: `${item.code} ${item.name}`, checked: chosen.includes(item.code) }));
  return h('section', { class: 'panel', 'aria-labelledby': 'action-title' },
    h('h2', { id: 'action-title' }, `Centers and markets of ${user.username}`),
    h('p', { class: 'muted' }, 'Donor-center staff see and change only the donors, collections, units and inventory of their centers; apheresis nurses work in their markets.'),
    form({
      fields: [
        field({ name: 'centers', label: 'Donor centers', checkboxes: boxes(choices.centers, user.centers || []) }),
        field({ name: 'markets', label: 'Markets', checkboxes: boxes(choices.markets, user.markets || []) }),
      ],
      label: `Centers and markets of ${user.username}`,
      submitLabel: 'Save the assignment',
      secondary: [h('button', { type: 'button', class: 'button-secondary', onClick: cancel }, 'Cancel')],
      onSubmit: async (values) => {
        await api.put(`/api/v1/users/${encodeURIComponent(user.username)}/scope`, { centers: values.centers.join(','), markets: values.markets.join(',') });
        done(`${user.username} is assigned ${values.centers.length ? values.centers.join(', ') : 'no center'} and ${values.markets.length ? values.markets.join(', ') : 'no market'}.`);
      },
    }).element);
}

function passwordPanel(user, done, cancel) {
  const password = field({ name: 'password', label: 'New password', type: 'password', required: true, autocomplete: 'new-password', hint: '10 to 128 characters.' });
  return h('section', { class: 'panel', 'aria-labelledby': 'action-title' },
    h('h2', { id: 'action-title' }, `Reset the password of ${user.username}`),
    h('p', { class: 'muted' }, 'Their open sessions end: they log in again with the new password.'),
    form({
      fields: [password],
      label: `Reset the password of ${user.username}`,
      submitLabel: 'Set the new password',
      secondary: [h('button', { type: 'button', class: 'button-secondary', onClick: cancel }, 'Cancel')],
      onSubmit: async (values) => {
        await api.post(`/api/v1/users/${encodeURIComponent(user.username)}/password`, { password: values.password });
        done(`The password of ${user.username} is changed and their sessions are ended.`);
      },
    }).element);
}

function disablePanel(user, done, cancel) {
  return h('section', { class: 'panel', 'aria-labelledby': 'action-title' },
    h('h2', { id: 'action-title' }, `Disable ${user.username}`),
    confirmedForm({
      fields: [field({ name: 'reason', label: 'Reason', required: true, hint: 'Recorded in the audit trail, e.g. "left the company".' })],
      label: `Disable ${user.username}`,
      submitLabel: 'Review',
      secondary: [h('button', { type: 'button', class: 'button-secondary', onClick: cancel }, 'Cancel')],
      confirm: (values) => ({
        title: `Disable ${user.username}?`,
        text: `${user.username} (${user.full_name}) will no longer be able to log in, and their open sessions end now. Reason: “${values.reason.trim()}”.`,
        confirmLabel: `Yes, disable ${user.username}`,
      }),
      onConfirm: async (values) => {
        await api.post(`/api/v1/users/${encodeURIComponent(user.username)}/disable`, { reason: values.reason.trim() });
        done(`${user.username} is disabled and their sessions are ended.`);
      },
    }));
}

export async function render(context) {
  const notices = registry.notices();
  const listHolder = h('div');
  const actionHolder = h('div');
  let users = [];
  const canWrite = session.can('users.write');

  const closeAction = () => replace(actionHolder);
  const finished = async (text) => {
    closeAction();
    notices.success(text);
    await reload();
  };

  function actions(user) {
    if (user.disabled) return h('span', { class: 'muted' }, 'No actions');
    const open = (panel) => {
      replace(actionHolder, panel);
      const first = actionHolder.querySelector('input');
      if (first) first.focus();
    };
    const openScope = async () => {
      const [centers, markets] = await Promise.all([api.getAll('/api/v1/centers'), api.getAll('/api/v1/markets')]);
      open(scopePanel(user, { centers, markets }, finished, closeAction));
    };
    return h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'button-secondary button-small', onClick: openScope },
        'Centers and markets', h('span', { class: 'visually-hidden' }, ` of ${user.username}`)),
      h('button', { type: 'button', class: 'button-secondary button-small', onClick: () => open(passwordPanel(user, finished, closeAction)) },
        'Reset password', h('span', { class: 'visually-hidden' }, ` of ${user.username}`)),
      user.username === session.current().username ? null
        : h('button', { type: 'button', class: 'button-secondary button-small', onClick: () => open(disablePanel(user, finished, closeAction)) },
          'Disable', h('span', { class: 'visually-hidden' }, ` ${user.username}`)));
  }

  async function reload() {
    try {
      users = await api.getAll('/api/v1/users');
    } catch (error) {
      if (context.active()) notices.error(`The users cannot be listed: ${error.message}`);
      return;
    }
    if (!context.active()) return;
    replace(listHolder, table({
      caption: 'Users',
      captionHidden: true,
      columns: [
        { label: 'User name', value: (u) => u.username, header: true },
        { label: 'Full name', value: (u) => u.full_name },
        { label: 'Roles', value: (u) => session.roleLabels(u.roles).join(', ') },
        { label: 'Centers and markets', value: (u) => [...(u.centers || []), ...(u.markets || [])].join(', ') || '—' },
        { label: 'State', value: (u) => h('span', { class: `badge ${u.disabled ? 'badge-closed' : 'badge-open'}` }, u.disabled ? 'Disabled' : 'Active') },
        { label: 'Created', value: (u) => format.timestamp(u.created_at) },
        canWrite ? { label: 'Actions', value: actions } : null,
      ].filter(Boolean),
      rows: users,
    }));
  }

  // Auditors read the list; only who holds users.write changes it.
  const create = canWrite ? registry.disclosure('Add a user', () => addForm(async (user) => {
    create.close();
    notices.success(`User ${user.username} is added with the roles ${session.roleLabels(user.roles).join(', ')}.`);
    await reload();
  }, () => create.close()).element) : null;

  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, 'Users'), create ? create.element : null),
    notices.element,
    listHolder,
    actionHolder);
  await reload();
}
