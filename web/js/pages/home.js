// pages/home.js - the home page (/). Users who may read the reports land on
// the dashboard; everyone else sees a short welcome with their roles and
// the pages they can use.

import { h, replace } from '../dom.js';
import { NAV } from '../layout.js';
import * as session from '../session.js';

const DESCRIPTIONS = {
  '/dashboard': 'Key figures and charts of a quarter against the same quarter a year earlier.',
  '/quarterly': 'The quarterly results as published, the draft release and its consistency checks.',
  '/donors': 'Find or register a donor, check eligibility, record deferrals.',
  '/collections/new': 'Record a collection: scan the DIN, enter the measurements.',
  '/collections': 'Collections by center and day; process them into components.',
  '/units/lookup': 'Scan or type a DIN: its units, statuses, holds and test results.',
  '/results/import': 'Import the outside laboratory’s test results (CSV).',
  '/release': 'Quarantined units ready for release; sign their release.',
  '/inventory': 'Units on the shelves by center, family, ABO/RhD and days to expiry.',
  '/lookback': 'Lookback cases with their deadlines, steps and traced units.',
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
