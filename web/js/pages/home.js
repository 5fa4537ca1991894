// pages/home.js - the home page (/). Users who may read the reports land on
// the dashboard; everyone else sees a short welcome with their roles and
// the pages they can use.

import { h, replace } from '../dom.js';
import * as navigation from '../navigation.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/', render, title: 'Home',
    // Readers of the reports land on the dashboard: "/" leads there.
    nav: { label: 'Home', order: 0, unless: 'reports' } },
];

export async function render(context) {
  if (session.can('reports')) {
    context.navigate('/dashboard', { replace: true });
    return;
  }
  const user = session.current();
  const shown = navigation.entries().filter((item) => item.path !== '/');
  replace(context.main,
    h('h1', null, `Welcome, ${user.username}`),
    h('p', null, 'You are logged in as ',
      user.roles.map((role, i) => [i ? ', ' : '', h('strong', null, session.ROLE_LABELS[role] || role)]), '.'),
    h('h2', null, 'What you can do here'),
    h('ul', { class: 'link-list' }, shown.map((item) =>
      h('li', null, h('a', { href: item.path }, item.label), h('p', { class: 'muted' }, item.description || '')))));
}
