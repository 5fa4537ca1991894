// pages/home.js - the home page (/). A user whose roles give them a
// worklist (docs/worklists.md; the section names come with the session)
// sees their work for today first: each section of GET /api/v1/worklist
// with its heading, its count in words, its first items as links and the
// list they come from, or "Nothing to do" said plainly; then the pages
// they can use. Readers of the reports without a worklist land on the
// dashboard; everyone else sees a short welcome with the pages they can use.

import * as api from '../api.js';
import * as chain from '../chain.js';
import { h, message, replace } from '../dom.js';
import * as format from '../format.js';
import * as navigation from '../navigation.js';
import * as session from '../session.js';

// This module's pages: the router and the navigation are built from them.
export const pages = [
  // Every user may open it (the session capability, as the README's table says).
  { pattern: '/', render, title: 'Home', capability: 'session',
    // Readers of the reports without a worklist land on the dashboard:
    // "/" leads there, so the menu has no Home for them.
    nav: { label: 'Home', order: 0, shown: () => !session.can('reports') || session.worklist().length > 0 } },
];

const plural = (count, one, many) => `${format.integer(count)} ${count === 1 ? one : many}`;

const RELEASE_STATES = {
  ready: (n) => `${plural(n, 'unit', 'units')} ready to release`,
  waiting: (n) => `${plural(n, 'unit', 'units')} waiting for test results`,
  blocked: (n) => `${plural(n, 'unit', 'units')} blocked (a result, a discrepancy, a hold or expiry)`,
};

/* What each section says and shows: `summary` (the count in words, or
 * what "nothing to do" means here), `item` (a list item: a link, or text),
 * `more` (the link to the whole list). */
const SECTIONS = {
  collections_today: {
    empty: () => 'no collection is recorded today yet.',
    summary: (s) => `${plural(s.count, 'collection', 'collections')} recorded today${session.ownCenters() ? ' at your centers' : ''}.`,
    item: (c) => [h('a', { href: `/collections/${encodeURIComponent(c.din)}` }, chain.dinText(c)),
      ` ${chain.procedureLabel(c.procedure)}, donor ${c.donor_number} at ${c.center}, ${chain.when(c.collected_at, c.time_zone)}`,
      c.processed ? '' : ' (not processed yet)'],
    more: (s) => ({ href: `/collections?from=${encodeURIComponent(s.on)}&to=${encodeURIComponent(s.on)}&sort=-collected_at`, text: 'All collections of today' }),
  },
  donors_due_back: {
    empty: (s) => `no donor's donation interval ended in the last ${s.days} days.`,
    summary: (s) => `${plural(s.count, 'donor', 'donors')} may give again: their donation interval ended in the last ${s.days} days. Call them back.`,
    item: (d) => [h('a', { href: `/donors/${encodeURIComponent(d.donor_number)}` }, `${d.given_name} ${d.family_name} (${d.donor_number})`),
      ` eligible since ${format.date(d.eligible_since)}; last gave ${chain.procedureLabel(d.last_donation_procedure).toLowerCase()} on ${format.date(d.last_donation_on)}`,
      d.phone ? `; phone ${d.phone}` : '', d.home_center ? `; ${d.home_center}` : ''],
  },
  release_queue: {
    empty: () => 'no unit waits in the release queue.',
    summary: (s) => `${plural(s.count, 'unit is', 'units are')} in quarantine.`,
    items: (s) => s.items.filter((i) => i.count > 0),
    item: (i) => h('a', { href: '/release' }, (RELEASE_STATES[i.state] || ((n) => `${n} ${i.state}`))(i.count)),
    more: () => ({ href: '/release', text: 'The release queue' }),
  },
  // ABO/RhD discrepancies to resolve (the laboratory: the testing
  // capability, domain/worklist.c), the oldest first, each linking to its
  // page where it is confirmed, then released or discarded.
  abo_discrepancies: {
    empty: () => 'no ABO/RhD discrepancy to resolve.',
    summary: (s) => `${plural(s.count, 'ABO/RhD discrepancy', 'ABO/RhD discrepancies')} to resolve.`,
    item: (d) => [h('a', { href: `/discrepancies/${encodeURIComponent(d.id)}` }, d.eye_readable || d.din),
      ` donor ${d.donor_number} is ${d.donor_group} on record, the donation typed ${d.donation_group}`,
      d.status === 'confirmed' ? ' (confirmed, to release or discard)' : ''],
    more: () => ({ href: '/discrepancies', text: 'Every discrepancy' }),
  },
  lookback_deadlines: {
    empty: (s) => `no lookback step is due by ${format.date(s.due_by)}.`,
    summary: (s) => `${plural(s.count, 'lookback case has', 'lookback cases have')} a step due by ${format.date(s.due_by)} or overdue.`,
    item: (c) => [h('a', { href: `/lookback/${c.id}` }, `Case ${c.id}`),
      ` ${c.marker}, donor ${c.donor_number}: next step due ${format.date(c.next_due)}`,
      c.overdue ? [' ', h('strong', { class: 'worklist-overdue' }, 'overdue')] : ''],
    more: () => ({ href: '/lookback', text: 'Every open lookback case' }),
  },
  periods_to_close: {
    empty: (s) => `every month that has ended is closed or has nothing posted${s.last_closed ? ` (the last closed period is ${s.last_closed})` : ''}.`,
    summary: (s) => `${plural(s.count, 'month has', 'months have')} ended with postings and ${s.count === 1 ? 'is' : 'are'} not closed${s.last_closed ? ` (the last closed period is ${s.last_closed})` : ' (no period is closed yet)'}.`,
    item: (p) => [h('a', { href: `/periods?period=${encodeURIComponent(p.period)}` }, p.period),
      ` ${format.date(p.first_day)} to ${format.date(p.last_day)}`],
    more: () => ({ href: '/periods', text: 'Closed periods' }),
  },
  quarter_findings: {
    empty: (s) => (s.quarter
      ? `the quarterly results of ${format.quarter(s.quarter)} show no inconsistency.`
      : 'nothing is posted in the ledger yet, so there is no quarter to check.'),
    summary: (s) => `${plural(s.count, 'consistency finding', 'consistency findings')} in the quarterly results of ${format.quarter(s.quarter)}, to resolve before publishing.`,
    item: (text) => text,
    more: (s) => (s.quarter ? { href: `/quarterly?period=${encodeURIComponent(s.quarter)}`, text: `Quarterly results, ${format.quarter(s.quarter)}` } : null),
  },
};

/* One section: a heading, the count in words (or "Nothing to do"), the
 * first items, how many more there are, and the list they come from. */
function sectionView(s) {
  const shape = SECTIONS[s.name] || { empty: () => 'nothing listed.', summary: () => `${s.count} items.`, item: (i) => JSON.stringify(i) };
  const id = `worklist-${s.name}`;
  const items = shape.items ? shape.items(s) : s.items;
  const more = shape.more ? shape.more(s) : null;
  const shown = s.name === 'release_queue' ? s.count : items.length;
  return h('section', { class: `panel worklist-section${s.count ? '' : ' worklist-done'}`, 'aria-labelledby': id, 'data-section': s.name },
    h('h3', { id }, s.title, ' ', h('span', { class: `badge ${s.count ? 'badge-pending' : 'badge-open'}` }, format.integer(s.count))),
    s.count
      ? h('p', { class: 'worklist-summary' }, shape.summary(s))
      : h('p', { class: 'worklist-summary' }, h('strong', null, 'Nothing to do: '), shape.empty(s)),
    items.length ? h('ul', { class: 'worklist-items' }, items.map((item) => h('li', null, shape.item(item)))) : null,
    s.count > shown ? h('p', { class: 'muted' }, `And ${format.integer(s.count - shown)} more.`) : null,
    more ? h('p', { class: 'worklist-more' }, h('a', { href: more.href }, more.text)) : null);
}

function pagesList() {
  const shown = navigation.entries().filter((item) => item.path !== '/');
  return h('ul', { class: 'link-list' }, shown.map((item) =>
    h('li', null, h('a', { href: item.path }, item.label), h('p', { class: 'muted' }, item.description || ''))));
}

export async function render(context) {
  const sections = session.worklist();
  if (!sections.length && session.can('reports')) {
    context.navigate('/dashboard', { replace: true });
    return;
  }
  const user = session.current();
  const welcome = [
    h('h1', null, `Welcome, ${user.username}`),
    h('p', null, 'You are logged in as ',
      user.roles.map((role, i) => [i ? ', ' : '', h('strong', null, session.ROLE_LABELS[role] || role)]), '.'),
  ];
  const pagesPart = [h('h2', { id: 'pages-title' }, 'What you can do here'), pagesList()];
  if (!sections.length) {
    replace(context.main, ...welcome, ...pagesPart);
    return;
  }
  replace(context.main, ...welcome, h('h2', null, 'Work for today'), h('p', { class: 'loading' }, 'Loading your worklist…'), ...pagesPart);
  let worklist;
  try {
    // The labels of procedures come with the reference data; without
    // them a procedure shows by its name.
    [worklist] = await Promise.all([api.get('/api/v1/worklist'), chain.reference().catch(() => null)]);
  } catch (error) {
    if (!context.active()) return;
    replace(context.main, ...welcome, h('h2', null, 'Work for today'), message('error', `Your worklist cannot be shown: ${error.message}`), ...pagesPart);
    return;
  }
  if (!context.active()) return;
  replace(context.main, ...welcome,
    h('section', { class: 'worklist', 'aria-labelledby': 'worklist-title' },
      h('h2', { id: 'worklist-title' }, `Work for today, ${format.date(worklist.today)}`),
      worklist.sections.length
        ? h('div', { class: 'worklist-sections' }, worklist.sections.map(sectionView))
        : h('p', null, 'Nothing is listed for your roles.')),
    session.can('reports')
      ? h('p', { class: 'worklist-dashboard' }, 'The figures of the latest quarter are on the ', h('a', { href: '/dashboard' }, 'dashboard'), '.')
      : null,
    ...pagesPart);
}
