// pages/users.js - user administration (/users, admin; read by auditors):
// the users with their roles, the centers and markets they are assigned
// to, their state and their last login, in a list that sorts and filters
// by state and role (data_table.js); adding a user (roles as checkboxes),
// changing a user's roles (the last enabled administrator keeps admin: the
// server says so under the field), assigning centers and markets
// (checkboxes), resetting a password, disabling a user and enabling a
// disabled one again (each with a reason and a confirmation step). A
// password reset and disabling end the user's sessions, which the messages
// say. Who may read the audit trail gets a link to each user's history.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { confirmedForm, field, form } from '../forms.js';
import * as format from '../format.js';
import * as registry from '../registry.js';
import * as session from '../session.js';
import { dataTable } from '../data_table.js';

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

/* The roles of a user (the list replaces the one before). */
function rolesPanel(user, done, cancel) {
  return h('section', { class: 'panel', 'aria-labelledby': 'action-title' },
    h('h2', { id: 'action-title' }, `Roles of ${user.username}`),
    h('p', { class: 'muted' }, 'What the roles allow applies from the user\'s next request. The last enabled administrator keeps the administrator role.'),
    form({
      fields: [
        field({ name: 'roles', label: 'Roles', required: true, hint: 'Choose one or more.',
          checkboxes: session.ROLES.map((role) => ({ value: role, label: session.ROLE_LABELS[role], checked: user.roles.includes(role) })) }),
      ],
      label: `Roles of ${user.username}`,
      submitLabel: 'Save the roles',
      secondary: [h('button', { type: 'button', class: 'button-secondary', onClick: cancel }, 'Cancel')],
      onSubmit: async (values) => {
        if (!values.roles.length) throw Object.assign(new Error('Choose at least one role.'), { field: 'roles' });
        const changed = await api.put(`/api/v1/users/${encodeURIComponent(user.username)}/roles`, { roles: values.roles.join(',') });
        done(`${user.username} now holds the roles ${session.roleLabels(changed.roles).join(', ')}.`);
      },
    }).element);
}

function enablePanel(user, done, cancel) {
  return h('section', { class: 'panel', 'aria-labelledby': 'action-title' },
    h('h2', { id: 'action-title' }, `Enable ${user.username}`),
    confirmedForm({
      fields: [field({ name: 'reason', label: 'Reason', hint: 'Optional; recorded in the audit trail, e.g. "back from leave".' })],
      label: `Enable ${user.username}`,
      submitLabel: 'Review',
      secondary: [h('button', { type: 'button', class: 'button-secondary', onClick: cancel }, 'Cancel')],
      confirm: (values) => ({
        title: `Enable ${user.username}?`,
        text: `${user.username} (${user.full_name}) will be able to log in again with their password as it was, with the roles ${session.roleLabels(user.roles).join(', ')}.${values.reason.trim() ? ` Reason: “${values.reason.trim()}”.` : ''}`,
        confirmLabel: `Yes, enable ${user.username}`,
      }),
      onConfirm: async (values) => {
        await api.post(`/api/v1/users/${encodeURIComponent(user.username)}/enable`, values.reason.trim() ? { reason: values.reason.trim() } : {});
        done(`${user.username} is enabled and may log in again.`);
      },
    }));
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

const lastLogin = (u) => (u.last_login_at ? format.timestamp(u.last_login_at) : 'Never');

export async function render(context) {
  const notices = registry.notices();
  const listHolder = h('div');
  const actionHolder = h('div');
  const canWrite = session.can('users.write');
  const canAudit = session.can('audit');
  let list = null;

  const closeAction = () => replace(actionHolder);
  const finished = async (text) => {
    closeAction();
    notices.success(text);
    await reload();
  };

  function actions(user) {
    const open = (panel) => {
      replace(actionHolder, panel);
      const first = actionHolder.querySelector('input');
      if (first) first.focus();
    };
    const button = (label, onClick, hiddenText = ` of ${user.username}`) =>
      h('button', { type: 'button', class: 'button-secondary button-small', onClick }, label, h('span', { class: 'visually-hidden' }, hiddenText));
    const history = canAudit
      ? h('a', { href: `/audit?entity=user&entity_id=${encodeURIComponent(user.username)}` }, 'History', h('span', { class: 'visually-hidden' }, ` of ${user.username}`))
      : null;
    if (!canWrite) return history || '—';
    if (user.disabled)
      return h('div', { class: 'row-actions' }, button('Enable', () => open(enablePanel(user, finished, closeAction)), ` ${user.username}`), history);
    const openScope = async () => {
      const [centers, markets] = await Promise.all([api.getAll('/api/v1/centers'), api.getAll('/api/v1/markets')]);
      open(scopePanel(user, { centers, markets }, finished, closeAction));
    };
    return h('div', { class: 'row-actions' },
      button('Roles', () => open(rolesPanel(user, finished, closeAction))),
      button('Centers and markets', openScope),
      button('Reset password', () => open(passwordPanel(user, finished, closeAction))),
      user.username === session.current().username ? null
        : button('Disable', () => open(disablePanel(user, finished, closeAction)), ` ${user.username}`),
      history);
  }

  async function reload() {
    let users;
    try {
      users = await api.getAll('/api/v1/users');
    } catch (error) {
      if (context.active()) notices.error(`The users cannot be listed: ${error.message}`);
      return;
    }
    if (!context.active()) return;
    if (list) {
      list.setRows(users);
      return;
    }
    list = dataTable({
      caption: 'Users',
      csvName: 'users.csv',
      empty: 'No user matches.',
      rows: users,
      filters: [
        { id: 'state', label: 'State', type: 'select', options: [{ value: 'active', label: 'Active' }, { value: 'disabled', label: 'Disabled' }],
          match: (u, value) => (value === 'disabled') === u.disabled },
        { id: 'role', label: 'Role', type: 'select', all: 'Every role', options: session.ROLES.map((role) => ({ value: role, label: session.ROLE_LABELS[role] })),
          match: (u, value) => u.roles.includes(value) },
      ],
      columns: [
        { id: 'username', label: 'User name', value: (u) => u.username, header: true },
        { id: 'full_name', label: 'Full name', value: (u) => u.full_name, phone: false },
        { id: 'roles', label: 'Roles', value: (u) => session.roleLabels(u.roles).join(', ') },
        { id: 'scope', label: 'Centers and markets', value: (u) => [...(u.centers || []), ...(u.markets || [])].join(', '),
          cell: (u) => [...(u.centers || []), ...(u.markets || [])].join(', ') || '—', phone: false },
        { id: 'disabled', label: 'State', value: (u) => (u.disabled ? 'Disabled' : 'Active'),
          cell: (u) => h('span', { class: `badge ${u.disabled ? 'badge-closed' : 'badge-open'}` }, u.disabled ? 'Disabled' : 'Active') },
        { id: 'last_login_at', label: 'Last login', value: (u) => u.last_login_at || '', cell: lastLogin, csv: (u) => u.last_login_at || '' },
        { id: 'created_at', label: 'Created', value: (u) => u.created_at, cell: (u) => format.timestamp(u.created_at), phone: false },
        // Auditors get each user's history; administrators their actions too.
        canWrite || canAudit ? { id: 'actions', label: canWrite ? 'Actions' : 'History', value: () => '', cell: actions, sortable: false, csv: false } : null,
      ].filter(Boolean),
    });
    replace(listHolder, list.element);
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
