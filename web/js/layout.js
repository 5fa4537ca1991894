// layout.js - the top bar around every page: the user and their roles, the
// navigation (only the pages the roles allow, the current one marked with
// aria-current), the menu button that opens the navigation on a phone, and
// the logout button.

import { h, replace } from './dom.js';
import * as session from './session.js';

/* The navigation: label, path, capability needed (see session.js). */
export const NAV = [
  // Readers of the reports land on the dashboard: "/" leads there.
  { label: 'Home', path: '/', capability: null, unless: 'reports' },
  { label: 'Dashboard', path: '/dashboard', capability: 'reports' },
  { label: 'Quarterly results', path: '/quarterly', capability: 'reports' },
  { label: 'Donors', path: '/donors', capability: 'donors' },
  { label: 'New collection', path: '/collections/new', capability: 'collections.write' },
  { label: 'Collections', path: '/collections', capability: 'collections' },
  { label: 'Unit lookup', path: '/units/lookup', capability: 'units' },
  { label: 'Test results', path: '/results/import', capability: 'testing' },
  { label: 'Release', path: '/release', capability: 'release' },
  { label: 'Inventory', path: '/inventory', capability: 'inventory' },
  { label: 'Lookback', path: '/lookback', capability: 'lookback' },
  { label: 'Markets', path: '/markets', capability: 'registry' },
  { label: 'Donor centers', path: '/centers', capability: 'registry' },
  { label: 'Hospitals', path: '/hospitals', capability: 'registry' },
  { label: 'Users', path: '/users', capability: 'users' },
];

let onLogout = null;

export function init({ logout }) {
  onLogout = logout;
  const button = document.getElementById('menu-button');
  button.addEventListener('click', () => setMenu(button.getAttribute('aria-expanded') !== 'true'));
  document.getElementById('logout-button').addEventListener('click', () => onLogout());
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && button.getAttribute('aria-expanded') === 'true') {
      setMenu(false);
      button.focus();
    }
  });
}

function setMenu(open) {
  document.getElementById('menu-button').setAttribute('aria-expanded', String(open));
  document.getElementById('site-nav').classList.toggle('open', open);
  // On a phone the user box folds into the menu too (css/app.css).
  document.getElementById('topbar').classList.toggle('menu-open', open);
}

/* Draws the bar for the user now logged in (hidden when nobody is). */
export function update() {
  const user = session.current();
  const bar = document.getElementById('topbar');
  bar.hidden = !user;
  setMenu(false);
  if (!user) return;
  document.getElementById('user-name').textContent = user.username;
  replace(document.getElementById('user-roles'),
    h('span', { class: 'visually-hidden' }, 'Roles: '),
    session.roleLabels(user.roles).map((label) => h('span', { class: 'role-badge' }, label)));
  const list = document.getElementById('nav-list');
  const path = location.pathname;
  const shown = NAV.filter((item) => (!item.capability || session.can(item.capability)) && !(item.unless && session.can(item.unless)));
  // The current page is the item whose path matches longest: at
  // /collections/new that is "New collection", not "Collections".
  const matches = shown.filter((item) => (item.path === '/' ? path === '/' : path === item.path || path.startsWith(`${item.path}/`)));
  const current = matches.sort((a, b) => b.path.length - a.path.length)[0] || null;
  replace(list, shown.map((item) => h('li', null, h('a', { href: item.path, 'aria-current': item === current ? 'page' : null }, item.label))));
}
