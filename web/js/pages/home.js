// pages/home.js - the home page (/). Users who may read the reports land on
// the dashboard; everyone else sees a short welcome with their roles and
// the pages they can use.

import { h, replace } from '../dom.js';
import { NAV } from '../layout.js';
import * as session from '../session.js';

const DESCRIPTIONS = {
  '/dashboard': 'Key figures and charts of a quarter against the same quarter a year earlier.',
  '/quarterly': 'The quarterly results as published, the draft release and its consistency checks.',
  '/markets': 'The markets (regions) the company works in.',
  '/centers': 'The donor centers: open and closed, with their facility numbers.',
  '/hospitals': 'The hospitals the company supplies and serves, with billing terms.',
  '/users': 'Who can log in and with which roles.',
};

export async function render(context) {
  if (session.can('reports')) {
    context.navigate('/dashboard', { replace: true });
    return;
  }
  const user = session.current();
  const pages = NAV.filter((item) => item.path !== '/' && (!item.capability || session.can(item.capability)));
  replace(context.main,
    h('h1', null, `Welcome, ${user.username}`),
    h('p', null, 'You are logged in as ',
      user.roles.map((role, i) => [i ? ', ' : '', h('strong', null, session.ROLE_LABELS[role] || role)]), '.'),
    h('h2', null, 'What you can do here'),
    h('ul', { class: 'link-list' }, pages.map((item) =>
      h('li', null, h('a', { href: item.path }, item.label), h('p', { class: 'muted' }, DESCRIPTIONS[item.path] || '')))));
}
