// layout.js - the top bar around every page: the user and their roles, the
// navigation (navigation.js: the pages the user's capabilities allow,
// grouped by area, the current one marked with aria-current), the menu
// button that opens the navigation on a phone, the logout button, and the
// header of printed pages (print_header.js).

import { h, replace } from './dom.js';
import * as navigation from './navigation.js';
import * as session from './session.js';
import * as printHeader from './print_header.js';

let onLogout = null;

export function init({ logout }) {
  onLogout = logout;
  const button = document.getElementById('menu-button');
  button.addEventListener('click', () => setMenu(button.getAttribute('aria-expanded') !== 'true'));
  document.getElementById('logout-button').addEventListener('click', () => {
    printHeader.drop();
    onLogout();
  });
  printHeader.init();
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
  printHeader.load();
  document.getElementById('user-name').textContent = user.username;
  replace(document.getElementById('user-roles'),
    h('span', { class: 'visually-hidden' }, 'Roles: '),
    session.roleLabels(user.roles).map((label) => h('span', { class: 'role-badge' }, label)));
  const list = document.getElementById('nav-list');
  const path = location.pathname;
  const groups = navigation.groups();
  // The current page is the item whose path matches longest: at
  // /collections/new that is "New collection", not "Collections".
  const matches = groups.flatMap((group) => group.entries)
    .filter((item) => (item.path === '/' ? path === '/' : path === item.path || path.startsWith(`${item.path}/`)));
  const current = matches.sort((a, b) => b.path.length - a.path.length)[0] || null;
  // A document of its own (the API reference) is loaded whole: a target
  // keeps the router from drawing it.
  const link = (item) => h('a', { href: item.path, target: item.external ? '_self' : null, 'aria-current': item === current ? 'page' : null }, item.label);
  replace(list, groups.map((group) => (group.area
    ? h('li', { class: 'nav-group' },
      h('span', { class: 'nav-area', id: `nav-area-${group.key}` }, group.area.title),
      h('ul', { 'aria-labelledby': `nav-area-${group.key}` }, group.entries.map((item) => h('li', null, link(item)))))
    : group.entries.map((item) => h('li', null, link(item))))));
}
