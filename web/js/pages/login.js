// pages/login.js - the login page (/login?next=/page): user name and
// password; on success, on to the page that was asked for (a local path
// only) or the home page. Wrong credentials and lock-outs are shown in the
// form's alert region.

import { h, replace } from '../dom.js';
import { field, form } from '../forms.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/login', render, title: 'Log in', public: true },
];

/* Only local paths: never send the user to another site after login. */
function nextPage(query) {
  const next = query.get('next') || '/';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export async function render(context) {
  if (session.current()) {
    context.navigate(nextPage(context.query), { replace: true });
    return;
  }
  const username = field({ name: 'username', label: 'User name', required: true, autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' });
  const password = field({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password' });
  const login = form({
    fields: [username, password],
    submitLabel: 'Log in',
    label: 'Log in',
    onSubmit: async (values) => {
      try {
        await session.login(values.username.trim(), values.password);
      } catch (error) {
        // Never say which of the two was wrong; keep the user name.
        password.input.value = '';
        if (error.status === 401) throw Object.assign(error, { field: null, message: 'The user name or password is not correct.' });
        if (error.status === 429) throw Object.assign(error, { field: null, message: 'Too many failed attempts for this user name. Wait 15 minutes and try again.' });
        throw error;
      }
      context.navigate(nextPage(context.query), { replace: true });
    },
  });
  replace(context.main,
    h('section', { class: 'login-panel' },
      h('h1', null, 'Log in to bloodops'),
      context.query.get('next') && context.query.get('next') !== '/'
        ? h('p', { class: 'muted' }, 'Log in to continue to the page you asked for.')
        : h('p', { class: 'muted' }, 'Blood services operations: donor centers, distribution, finance.'),
      login.element));
  username.input.focus();
}
