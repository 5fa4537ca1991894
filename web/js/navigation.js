// navigation.js - the navigation built from the pages' own declarations
// (handed over by main.js from the generated page-index.js): the entries
// the user's capabilities allow, grouped by the product's areas in the
// order the server gives (GET /api/v1/me), each group's entries by their
// `order`. A page's `nav.shown()`, when it has one, says whether the entry
// shows for this user.

import * as session from './session.js';

let pages = [];

/* Every page the application declares ({pattern, nav?, capability?}). */
export function setPages(declared) {
  pages = declared;
}

/* Entries {path, label, description, area} the user may open, ungrouped:
 * the Home entry first when it shows. */
export function entries() {
  return pages
    .filter((page) => page.nav)
    .filter((page) => (page.public || !page.capability || session.can(page.capability)) && (!page.nav.shown || page.nav.shown()))
    .map((page) => ({ path: page.pattern, external: Boolean(page.external), ...page.nav }))
    .sort((a, b) => areaIndex(a.area) - areaIndex(b.area) || (a.order || 0) - (b.order || 0));
}

/* The same entries in groups: [{area: {key, title} or null, entries}]. */
export function groups() {
  const result = [];
  for (const entry of entries()) {
    const last = result[result.length - 1];
    if (last && last.key === (entry.area || null)) last.entries.push(entry);
    else result.push({ key: entry.area || null, area: session.areas().find((area) => area.key === entry.area) || null, entries: [entry] });
  }
  return result;
}

/* Entries without an area (Home) come first. */
function areaIndex(key) {
  if (!key) return -1;
  const index = session.areas().findIndex((area) => area.key === key);
  return index < 0 ? session.areas().length : index;
}
