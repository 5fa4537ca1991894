// registry.js - what the registry pages (markets, donor centers, hospitals)
// share: a list with a search box kept in the URL (?q=) and "Show more"
// paging over next_after, a create form behind a disclosure button, the
// page message region, the market choices, and the "only the fields that
// changed" body of a PATCH.

import * as api from './api.js';
import { h, message, replace, table } from './dom.js';

/* The region where a page says what just happened (success or error). */
export function notices() {
  const element = h('div', { class: 'notices', 'aria-live': 'polite' });
  return {
    element,
    success: (text) => replace(element, message('success', text)),
    error: (text) => replace(element, message('error', text)),
    info: (text) => replace(element, message('info', text)),
    clear: () => replace(element),
  };
}

/* A success message kept across one navigation (the page that follows a
 * create shows it). */
let pending = null;
export function flash(text) {
  pending = text;
}
export function takeFlash() {
  const text = pending;
  pending = null;
  return text;
}

/*
 * list({context, path, noun, nounPlural, columns, filters: [{name, label,
 * options}], searchLabel}) -> element: the search form, the table and the
 * "Show more" button; re-reads the first page when reload() is called.
 */
export function list({ context, path, nounPlural, columns, filters = [], searchLabel, extraParams = {} }) {
  const q = context.query.get('q') || '';
  const filterValues = Object.fromEntries(filters.map((f) => [f.name, context.query.get(f.name) || '']));
  const searchInput = h('input', { type: 'search', id: 'list-search', name: 'q', value: q, 'aria-describedby': 'list-search-hint' });
  const filterControls = filters.map((f) => {
    const select = h('select', { id: `list-${f.name}`, name: f.name }, f.options.map((o) => h('option', { value: o.value }, o.label)));
    select.value = filterValues[f.name];
    return { f, select };
  });
  const search = h('form', {
    class: 'toolbar-form search-form',
    role: 'search',
    'aria-label': `Search ${nounPlural}`,
    onSubmit: (event) => {
      event.preventDefault();
      const params = { q: searchInput.value.trim() };
      filterControls.forEach(({ f, select }) => {
        params[f.name] = select.value;
      });
      context.navigate(`${location.pathname}${api.query(params)}`);
    },
  },
  h('div', { class: 'inline-field' }, h('label', { for: 'list-search' }, searchLabel), searchInput),
  filterControls.map(({ f, select }) => h('div', { class: 'inline-field' }, h('label', { for: select.id }, f.label), select)),
  h('button', { type: 'submit', class: 'button-secondary' }, 'Search'),
  h('p', { class: 'field-hint', id: 'list-search-hint' }, 'Matches any part of the code or name.'));

  const count = h('p', { class: 'list-count', role: 'status' });
  const holder = h('div', { class: 'list-table' });
  const more = h('button', { type: 'button', class: 'button-secondary', hidden: true }, 'Show more');
  const items = [];
  let after = null;

  function draw() {
    if (!items.length) {
      replace(holder, h('p', { class: 'empty' }, q ? `No ${nounPlural} match “${q}”.` : `There are no ${nounPlural} yet.`));
    } else {
      replace(holder, table({ caption: `${nounPlural[0].toUpperCase()}${nounPlural.slice(1)}`, captionHidden: true, columns, rows: items }));
    }
    count.textContent = items.length
      ? `Showing ${items.length} ${nounPlural}${after ? ' (more available)' : ''}${q ? ` matching “${q}”` : ''}.`
      : '';
    more.hidden = !after;
  }

  async function load(first) {
    more.disabled = true;
    try {
      const page = await api.get(path, { ...extraParams, ...filterValues, q, limit: 25, after: first ? null : after });
      if (!context.active()) return;
      if (first) items.length = 0;
      items.push(...page.items);
      after = page.next_after;
      draw();
    } catch (error) {
      if (!context.active()) return;
      replace(holder, message('error', `The ${nounPlural} cannot be listed: ${error.message}`));
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener('click', async () => {
    const before = items.length;
    await load(false);
    // Keep the keyboard where the new rows begin.
    const rows = holder.querySelectorAll('tbody tr');
    const link = rows[before] && rows[before].querySelector('a');
    if (link) link.focus();
  });

  const element = h('section', { class: 'list', 'aria-label': `${nounPlural} list` }, search, count, holder, more);
  const ready = load(true);
  return { element, ready, reload: () => load(true) };
}

/*
 * disclosure(label, content) -> {element, open(), close()}: a button with
 * aria-expanded showing or hiding a panel (the create forms).
 */
export function disclosure(label, buildContent) {
  const panel = h('div', { class: 'disclosure-panel', hidden: true, id: `panel-${label.replace(/\W+/g, '-').toLowerCase()}` });
  const button = h('button', { type: 'button', class: 'button-primary', 'aria-expanded': 'false', 'aria-controls': panel.id }, label);
  let built = false;
  function set(open) {
    if (open && !built) {
      replace(panel, buildContent());
      built = true;
    }
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) {
      const first = panel.querySelector('input, select, textarea');
      if (first) first.focus();
    }
  }
  button.addEventListener('click', () => set(button.getAttribute('aria-expanded') !== 'true'));
  return {
    element: h('div', { class: 'disclosure' }, button, panel),
    open: () => set(true),
    close: () => {
      set(false);
      built = false;
      button.focus();
    },
  };
}

/* The markets as <select> options; `empty` is the first choice's label. */
export async function marketOptions(empty) {
  const markets = await api.getAll('/api/v1/markets');
  return [{ value: '', label: empty }, ...markets.map((m) => ({ value: m.code, label: `${m.code} - ${m.name}` }))];
}

/* The fields of `values` that differ from `record` (strings compared
 * trimmed), for a PATCH body. */
export function changed(record, values) {
  const body = {};
  for (const [name, value] of Object.entries(values)) {
    const before = record[name] === null || record[name] === undefined ? '' : String(record[name]);
    const after = typeof value === 'string' ? value.trim() : value;
    if (String(after) !== before) body[name] = after;
  }
  return body;
}

/* Only the non-empty fields (a create body: empty optional fields are
 * left out rather than sent as ""). */
export function filled(values) {
  return Object.fromEntries(Object.entries(values)
    .map(([name, value]) => [name, typeof value === 'string' ? value.trim() : value])
    .filter(([, value]) => value !== ''));
}

/* A definition list of a record's fields: [[label, value]]. */
export function details(pairs) {
  return h('dl', { class: 'details' }, pairs.map(([label, value]) => [h('dt', null, label), h('dd', null, value === null || value === '' || value === undefined ? '—' : value)]));
}

/* A not-found or failed load of one record. */
export function loadFailure(context, noun, code, error, backHref, backLabel) {
  replace(context.main,
    h('h1', null, error.status === 404 ? `No ${noun} ${code}` : `${noun[0].toUpperCase()}${noun.slice(1)} ${code}`),
    message('error', error.status === 404 ? `There is no ${noun} with the code ${code}.` : error.message),
    h('p', null, h('a', { href: backHref }, backLabel)));
}
