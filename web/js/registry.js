// registry.js - what the registry pages (markets, donor centers, hospitals)
// and the donors share: a list with a search box kept in the URL (?q=)
// above a server list (data_table.js: sorted by its columns, in pages with
// the total count, exported as CSV; a refused search shown by its field), a create
// form behind a disclosure button, the page message region (with the
// message kept across one navigation), the market choices, the time zone
// field, and one record's page: its load, its details, and an edit form
// that PATCHes only the fields that changed.

import * as api from './api.js';
import { h, message, replace } from './dom.js';
import { dataTable, apiLoader } from './data_table.js';
import { field, form } from './forms.js';

/* A success message kept across one navigation: the next page's notices()
 * shows it (a saved edit, which reloads the record's page). */
let pending = null;
export function flash(text) {
  pending = text;
}

/* The region where a page says what just happened (success or error),
 * showing the flash() message if there is one. */
export function notices() {
  const element = h('div', { class: 'notices', 'aria-live': 'polite' });
  const region = {
    element,
    success: (text) => replace(element, message('success', text)),
    error: (text) => replace(element, message('error', text)),
    info: (text) => replace(element, message('info', text)),
    clear: () => replace(element),
  };
  if (pending) region.success(pending);
  pending = null;
  return region;
}

/* The text of what a cell shows (a node, text, or a list of them): what
 * an old-style column exports. */
function textOf(shown) {
  if (shown === null || shown === undefined || shown === false) return '';
  if (Array.isArray(shown)) return shown.map(textOf).join('');
  if (shown instanceof Node) return shown.textContent;
  return String(shown);
}

/* A column of data_table.js from a column of dom.js's table() ({label,
 * value(row) -> node|string, numeric, header}: shown, exported as its
 * text, not sortable); a data_table.js column (with an id) as it is. */
function listColumn(column, index) {
  if (column.id) return column;
  return { ...column, id: `column-${index}`, cell: column.value, value: (row) => textOf(column.value(row)), sortable: false };
}

/*
 * pagedTable({context, path, params, columns, nounPlural, before, empty,
 * matching, limit, sort, rowClass(item), onError(error) -> handled}) ->
 * {element, ready, reload()}: a server list (data_table.js) over a list
 * endpoint: sorted by its columns (those with an `id` the endpoint sorts
 * by), in pages of `limit` with the total count ("Showing 1–25 of 40
 * donor centers"), exported as CSV, sort and page kept in the URL;
 * `before` (a search or filter form) goes above it. A refusal onError
 * does not handle is shown in place of the table.
 */
export function pagedTable({ context, path, params = {}, columns, nounPlural, before = null, empty, matching = '', limit = 25, sort = [], rowClass = null, onError = () => false }) {
  const list = dataTable({
    caption: `${nounPlural[0].toUpperCase()}${nounPlural.slice(1)}`,
    csvName: `${nounPlural.replace(/\W+/g, '-')}.csv`,
    empty: empty || `There are no ${nounPlural} yet.`,
    noun: `${nounPlural}${matching}`,
    url: true,
    pageSize: limit,
    sort,
    rowClass,
    load: apiLoader(path, params),
    columns: columns.map(listColumn),
    // Once the user has moved on, nothing is shown.
    onError: (error) => !context.active() || onError(error),
  });
  const element = h('section', { class: 'list', 'aria-label': `${nounPlural} list` }, before, list.element);
  return { element, ready: list.ready, reload: () => list.reload() };
}

/*
 * list({context, path, nounPlural, columns, filters: [{name, label,
 * options}], searchLabel, extraParams, sort, hint}) -> {element, ready,
 * reload()}: the search form (the search text and the filters, sent with
 * the Search button and kept in the URL) above a pagedTable; re-reads the
 * list when reload() is called. A search or filter the server refuses is
 * shown under the search form, its control marked.
 */
export function list({ context, path, nounPlural, columns, filters = [], searchLabel, extraParams = {}, sort = [], hint = 'Matches any part of the code or name.' }) {
  const q = context.query.get('q') || '';
  const filterValues = Object.fromEntries(filters.map((f) => [f.name, context.query.get(f.name) || '']));
  const searchInput = h('input', { type: 'search', id: 'list-search', name: 'q', value: q, 'aria-describedby': 'list-search-hint list-search-error' });
  const searchError = h('p', { class: 'field-error', id: 'list-search-error', hidden: true });
  const filterControls = filters.map((f) => {
    const select = h('select', { id: `list-${f.name}`, name: f.name, 'aria-describedby': 'list-search-error' }, f.options.map((o) => h('option', { value: o.value }, o.label)));
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
  h('p', { class: 'field-hint', id: 'list-search-hint' }, hint),
  searchError);

  return pagedTable({
    context,
    path,
    params: { ...extraParams, ...filterValues, q },
    columns,
    nounPlural,
    sort,
    before: search,
    empty: q ? `No ${nounPlural} match “${q}”.` : Object.values(filterValues).some(Boolean) ? `No ${nounPlural} match the filters.` : null,
    matching: q ? ` matching “${q}”` : '',
    onError: (error) => {
      const control = error.field === 'q' ? searchInput : (filterControls.find(({ f }) => f.name === error.field) || {}).select;
      if (!control) return false;
      control.setAttribute('aria-invalid', 'true');
      searchError.hidden = false;
      replace(searchError, h('span', { class: 'visually-hidden' }, 'Error: '), error.message);
      return true;
    },
  });
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

/*
 * The time zone field of a market or a center: an IANA name typed, with the
 * zones the browser knows offered as suggestions (the server decides what
 * it accepts, and names the field when it refuses one).
 */
export function timeZoneField({ value = '', hint }) {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const listId = `time-zones-${Math.random().toString(36).slice(2, 8)}`;
  const zoneField = field({
    name: 'time_zone', label: 'Time zone', value, hint, list: listId,
    autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', placeholder: 'America/Los_Angeles',
  });
  zoneField.element.append(h('datalist', { id: listId }, zones.map((zone) => h('option', { value: zone }))));
  return zoneField;
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

/* A definition list of a record's fields: [[label, value]] (a pair left
 * out as null); empty values show "—". */
export function details(pairs) {
  return h('dl', { class: 'details' }, pairs.filter(Boolean).map(([label, value]) => [h('dt', null, label), h('dd', null, value === null || value === '' || value === undefined ? '—' : value)]));
}

/*
 * createForm({label, submitLabel, fields() -> [field], path, body(values)
 * -> the POST body (default: the filled fields), noun ('Market'), notices,
 * list}) -> disclosure: the create form behind its button, with Cancel.
 * The fields are made afresh each time it opens; once the server has added
 * the record the form closes, the page says so and the list is re-read.
 */
export function createForm({ label, submitLabel, fields, path, body = filled, noun, notices, list }) {
  const panel = disclosure(label, () => form({
    fields: fields(),
    label,
    submitLabel,
    secondary: [h('button', { type: 'button', class: 'button-secondary', onClick: () => panel.close() }, 'Cancel')],
    onSubmit: async (values) => {
      const record = await api.post(path, body(values));
      panel.close();
      notices.success(`${noun} ${record.code} ${record.name} is added.`);
      await list.reload();
    },
  }).element);
  return panel;
}

/* The page of a list: its title (with the create button, if any), an
 * optional line under it, the messages and the list; done when the first
 * page of the list is shown. */
export function showList(context, { title, create = null, intro = null, notices, list }) {
  replace(context.main,
    h('div', { class: 'page-head' }, h('h1', null, title), create ? create.element : null),
    intro,
    notices.element,
    list.element);
  return list.ready;
}

/*
 * loadRecord(context, {path, noun, param = 'code', keyName = 'code', title,
 * back: [href, label]}) -> the record whose key is the page's URL parameter
 * `param`, the page title set to title(record) (default: its code and
 * name); null when the user has moved on, or when it cannot be had (the
 * page then says why, naming the key as keyName, and links back).
 */
export async function loadRecord(context, { path, noun, param = 'code', keyName = 'code', title = (r) => `${r.code} ${r.name}`, back: [backHref, backLabel] }) {
  const key = context.params[param];
  let record;
  try {
    record = await api.get(`${path}/${encodeURIComponent(key)}`);
  } catch (error) {
    if (context.active()) {
      replace(context.main,
        h('h1', null, error.status === 404 ? `No ${noun} ${key}` : `${noun[0].toUpperCase()}${noun.slice(1)} ${key}`),
        message('error', error.status === 404 ? `There is no ${noun} with the ${keyName} ${key}.` : error.message),
        h('p', null, h('a', { href: backHref }, backLabel)));
    }
    return null;
  }
  if (!context.active()) return null;
  context.setTitle(title(record));
  return record;
}

/*
 * editForm({context, record, path, label, fields, body(changes) -> the
 * PATCH body, unchanged (what "nothing to save" says), notices}) -> form:
 * sends only the fields that changed, nothing when none did; once saved,
 * the record's page is drawn again and says so.
 */
export function editForm({ context, record, path, label, fields, body = (changes) => changes, unchanged = 'no field was changed', notices }) {
  return form({
    fields,
    label,
    submitLabel: 'Save changes',
    onSubmit: async (values) => {
      const changes = body(changed(record, values));
      if (!Object.keys(changes).length) {
        notices.info(`Nothing to save: ${unchanged}.`);
        return;
      }
      const saved = await api.patch(`${path}/${encodeURIComponent(record.code)}`, changes);
      flash(`Changes to ${saved.code} are saved.`);
      context.navigate(location.pathname, { replace: true });
    },
  });
}

/* The page of one record: the breadcrumb back to its list ([href,
 * label]), its code and name, the messages, the Details panel (`details`
 * pairs, then `more`), the edit panel titled `editTitle` when there is an
 * edit form, then `after`. */
export function showRecord(context, { crumb: [crumbHref, crumbLabel], record, notices, details: pairs, more = null, edit = null, editTitle = 'Edit', after = null }) {
  replace(context.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: crumbHref }, crumbLabel), ' › ', record.code),
    h('h1', null, `${record.code} ${record.name}`),
    notices.element,
    h('section', { class: 'panel', 'aria-labelledby': 'details-title' }, h('h2', { id: 'details-title' }, 'Details'), details(pairs), more),
    edit ? h('section', { class: 'panel', 'aria-labelledby': 'edit-title' }, h('h2', { id: 'edit-title' }, editTitle), edit.element) : null,
    after);
}
