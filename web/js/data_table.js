// data_table.js - the one list component of the application: a real <table>
// that sorts by its columns, filters, pages with the total count, exports
// what it shows as CSV, and reads as cards on a phone. Sorting, filtering
// and paging are TanStack Table's (table-core, window.TableCore, loaded by
// the page shell from /assets/.../vendor/); the CSV is Papa Parse's
// (window.Papa), with formula-looking cells escaped. This module only draws.
//
// Two modes:
//   local:  {rows}   every row is in the browser; TanStack sorts, filters
//                    and pages them.
//   server: {load}   load({sort, filters, offset, limit}) -> {rows, total}
//                    asks the API for one page; the API sorts, filters and
//                    counts (lists answer `total` and accept `sort`,
//                    `offset`, `limit`, see docs/DESIGN.md "Lists").
//
// dataTable({
//   caption, captionHidden, empty, csvName, tableClass (more classes of the <table>),
//   noun (what the count counts: "Showing 1–25 of 40 donors.", "Showing 4
//         donors." when they fit one page),
//   columns: [{id, label, value(row) (sorts, filters, exports),
//              cell(row) -> node|string (shown; default value), numeric,
//              sortable (default true), header (a row header),
//              phone: false (left out of the phone's cards) | 'only' (only
//              in the phone's cards),
//              csv(row) (exported; default value; false: not exported)}],
//   rows | load, pageSize (default 25), sort: [{id, desc}],
//   filters: [{id, label, type: 'select'|'text'|'date', options:[{value,label}],
//              suggestions: [text] (a text filter's <datalist>), placeholder,
//              match(row, value) (local mode; default: value(row) == value)}],
//   filterValues: {id: value} (the filters' values when the URL names none;
//              a filter emptied is then kept in the URL as emptied),
//   foot: [row] (rows of a <tfoot>, totals: drawn after every page, never
//              sorted, exported last), rowClass(row),
//   url: true (keep sort, page and filters in the URL),
//   onDraw() (after each drawing), onError(error) -> true when the page
//              showed the error itself (the list is then left empty; a
//              refusal naming a filter is told under that filter)
// }) -> {element, ready (a promise), reload(), rows() (what is shown),
//        filtered() (every row the filters give, local lists), setRows(rows)}

import * as api from './api.js';
import { h, replace, uid, message } from './dom.js';
import { saveText } from './download.js';

const core = () => window.TableCore;

/* The state kept in the URL, under names a person can read and share. A
 * filter named empty in the URL stays empty (over its default). */
function readUrlState(filters) {
  const query = new URLSearchParams(window.location.search);
  const state = { filters: {} };
  const sort = query.get('sort');
  if (sort) state.sort = [{ id: sort.replace(/^-/, ''), desc: sort.startsWith('-') }];
  const page = Number(query.get('page'));
  if (Number.isInteger(page) && page > 1) state.pageIndex = page - 1;
  for (const filter of filters) {
    if (query.has(filter.id)) state.filters[filter.id] = query.get(filter.id);
  }
  return state;
}

function writeUrlState(filters, sorting, pageIndex, values, defaults) {
  const query = new URLSearchParams(window.location.search);
  query.delete('sort');
  query.delete('page');
  if (sorting.length) query.set('sort', `${sorting[0].desc ? '-' : ''}${sorting[0].id}`);
  if (pageIndex > 0) query.set('page', String(pageIndex + 1));
  for (const filter of filters) {
    if (values[filter.id]) query.set(filter.id, values[filter.id]);
    else if (defaults[filter.id]) query.set(filter.id, '');
    else query.delete(filter.id);
  }
  const text = query.toString();
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${text ? `?${text}` : ''}`);
}

/* One filter's control, labelled, with the place where a refusal of its
 * value is told: {element, control, error}. */
function filterControl(filter, value, onChange) {
  const id = uid(`filter-${filter.id}`);
  let control;
  if (filter.type === 'select') {
    // A value from a link that is not among the choices is shown as it is.
    const options = filter.options || [];
    const extra = value && !options.some((o) => o.value === value) ? [{ value, label: value }] : [];
    control = h('select', { id, name: filter.id },
      h('option', { value: '' }, filter.all || 'All'),
      [...options, ...extra].map((o) => h('option', { value: o.value }, o.label)));
  } else {
    control = h('input', { id, name: filter.id, type: filter.type === 'date' ? 'date' : 'search',
      placeholder: filter.placeholder || null, autocomplete: 'off',
      list: filter.suggestions ? `${id}-suggestions` : null });
  }
  // A text filter may offer suggestions and still take any text.
  const suggestions = filter.suggestions
    ? h('datalist', { id: `${id}-suggestions` }, filter.suggestions.map((text) => h('option', { value: text })))
    : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  control.setAttribute('aria-describedby', error.id);
  control.value = value || '';
  if (filter.type === 'select' || filter.type === 'date') {
    control.addEventListener('change', () => onChange(control.value));
  } else {
    // Typing asks again once the person pauses, not at every key.
    let timer = null;
    control.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => onChange(control.value), 250);
    });
  }
  return { element: h('div', { class: 'inline-field' }, h('label', { for: id }, filter.label), control, suggestions, error), control, error };
}

/* The text a cell exports and sorts by. */
function plain(value) {
  if (value === null || value === undefined) return '';
  return value;
}

export function dataTable(options) {
  const {
    caption, captionHidden = true, empty = 'Nothing to show.', csvName = 'list.csv',
    columns, load = null, pageSize = 25, filters = [], rowClass = null, url = false,
    foot = [], onDraw = null, onError = null, tableClass = null, noun = '',
  } = options;
  const server = typeof load === 'function';
  const { createTable, getCoreRowModel, getSortedRowModel, getFilteredRowModel,
    getPaginationRowModel, functionalUpdate } = core();

  const initial = url ? readUrlState(filters) : { filters: {} };
  const defaults = options.filterValues || {};
  const filterValues = { ...defaults, ...initial.filters };
  let state = {
    sorting: initial.sort || options.sort || [],
    columnFilters: [],
    pagination: { pageIndex: initial.pageIndex || 0, pageSize },
    columnVisibility: {},
    columnOrder: [],
    columnPinning: { left: [], right: [] },
    rowSelection: {},
    expanded: {},
    grouping: [],
    globalFilter: undefined,
    columnSizing: {},
    columnSizingInfo: { startOffset: null, startSize: null, deltaOffset: null, deltaPercentage: null, isResizingColumn: false, columnSizingStart: [] },
    rowPinning: { top: [], bottom: [] },
  };
  const byId = new Map(columns.map((c) => [c.id, c]));
  // A sort on a column this table does not have (an old link) is dropped.
  state.sorting = state.sorting.filter((s) => byId.has(s.id) && byId.get(s.id).sortable !== false);

  let data = server ? [] : (options.rows || []);
  let total = server ? 0 : data.length;

  const filterFns = {};
  const columnDefs = columns.map((c) => ({
    id: c.id,
    accessorFn: (row) => plain(c.value(row)),
    enableSorting: c.sortable !== false,
    sortUndefined: 'last',
    sortingFn: c.numeric ? 'basic' : 'alphanumeric',
    filterFn: (row, columnId, value) => {
      const filter = filterFns[columnId];
      if (filter && filter.match) return filter.match(row.original, value);
      return String(row.getValue(columnId)) === String(value);
    },
  }));
  for (const filter of filters) {
    filterFns[filter.id] = filter;
    // A filter that is not a column of its own (a date range, a search box
    // over several fields) filters through a hidden column.
    if (!byId.has(filter.id)) {
      columnDefs.push({ id: filter.id, accessorFn: () => '', enableSorting: false,
        filterFn: (row, _id, value) => filter.match(row.original, value) });
      state.columnVisibility[filter.id] = false;
    }
  }
  state.columnFilters = Object.entries(filterValues).filter(([, v]) => v).map(([id, value]) => ({ id, value }));

  const tanstack = createTable({
    data,
    columns: columnDefs,
    state,
    onStateChange: (updater) => {
      state = functionalUpdate(updater, state);
      tanstack.setOptions((previous) => ({ ...previous, state }));
      refresh();
    },
    renderFallbackValue: null,
    manualSorting: server,
    manualFiltering: server,
    manualPagination: server,
    rowCount: server ? 0 : undefined,
    autoResetPageIndex: false,
    enableMultiSort: false,
    sortDescFirst: false,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: server ? undefined : getSortedRowModel(),
    getFilteredRowModel: server ? undefined : getFilteredRowModel(),
    getPaginationRowModel: server ? undefined : getPaginationRowModel(),
  });

  const count = h('p', { class: 'list-count', role: 'status' });
  const holder = h('div', { class: 'list-table' });
  const pager = h('nav', { class: 'pager', 'aria-label': `${caption || 'List'} pages` });
  const exportButton = h('button', { type: 'button', class: 'button-secondary button-small' }, 'Export CSV');
  const controls = new Map(filters.map((filter) => [filter.id, filterControl(filter, filterValues[filter.id], (value) => setFilter(filter.id, value))]));
  const toolbar = h('div', { class: 'table-toolbar' },
    filters.length ? h('div', { class: 'toolbar-form table-filters', role: 'search', 'aria-label': `Filter ${caption || 'the list'}` },
      [...controls.values()].map((c) => c.element)) : null,
    exportButton);

  /* A filter value the server refused is told under its control. */
  function showFilterError(error) {
    const slot = controls.get(error.field);
    if (!slot) return false;
    slot.control.setAttribute('aria-invalid', 'true');
    slot.error.hidden = false;
    replace(slot.error, h('span', { class: 'visually-hidden' }, 'Error: '), error.message);
    return true;
  }

  function clearFilterErrors() {
    for (const slot of controls.values()) {
      slot.control.removeAttribute('aria-invalid');
      slot.error.hidden = true;
      replace(slot.error);
    }
  }
  const element = h('div', { class: 'data-table-block' }, toolbar, count, holder, pager);

  function setFilter(id, value) {
    filterValues[id] = value;
    state = { ...state, columnFilters: Object.entries(filterValues).filter(([, v]) => v).map(([key, v]) => ({ id: key, value: v })),
      pagination: { ...state.pagination, pageIndex: 0 } };
    tanstack.setOptions((previous) => ({ ...previous, state }));
    refresh();
  }

  function serverQuery(offset, limit) {
    const sort = state.sorting[0];
    return { sort: sort ? `${sort.desc ? '-' : ''}${sort.id}` : null,
      filters: { ...filterValues }, offset, limit };
  }

  let loading = Promise.resolve();
  let generation = 0;
  function refresh() {
    if (url) writeUrlState(filters, state.sorting, state.pagination.pageIndex, filterValues, defaults);
    if (!server) {
      draw();
      return loading;
    }
    const mine = ++generation;
    clearFilterErrors();
    holder.setAttribute('aria-busy', 'true');
    loading = load(serverQuery(state.pagination.pageIndex * state.pagination.pageSize, state.pagination.pageSize))
      .then((answer) => {
        if (mine !== generation) return;
        /* Past the last page (an old link, or rows gone since) there is no
         * row to carry the count: the first page, which says it. */
        if (!answer.rows.length && state.pagination.pageIndex > 0) {
          state = { ...state, pagination: { ...state.pagination, pageIndex: 0 } };
          tanstack.setOptions((previous) => ({ ...previous, state }));
          return refresh();
        }
        data = answer.rows;
        total = answer.total;
        tanstack.setOptions((previous) => ({ ...previous, data, rowCount: total, state }));
        draw();
      })
      .catch((error) => {
        if (mine !== generation) return;
        const told = showFilterError(error) || (onError && onError(error));
        replace(holder, told ? null : message('error', `The list cannot be shown: ${error.message}`));
        count.textContent = '';
        replace(pager);
      })
      .finally(() => holder.removeAttribute('aria-busy'));
    return loading;
  }

  function shownRows() {
    return tanstack.getRowModel().rows.map((r) => r.original);
  }

  /* The classes of a column's cells: numbers, and where a phone shows it. */
  function cellClass(c) {
    return [c.numeric ? 'num' : null, c.phone === false ? 'phone-hide' : null, c.phone === 'only' ? 'phone-only' : null]
      .filter(Boolean).join(' ') || null;
  }

  function bodyRow(row, visible, className) {
    return h('tr', { class: className },
      visible.map((c) => {
        const shown = c.cell ? c.cell(row) : plain(c.value(row));
        return h(c.header ? 'th' : 'td', { scope: c.header ? 'row' : null, class: cellClass(c), 'data-label': c.label }, shown);
      }));
  }

  function headerCell(column) {
    const definition = byId.get(column.id);
    const sorted = column.getIsSorted();
    const attributes = { scope: 'col', class: cellClass(definition),
      'aria-sort': sorted ? (sorted === 'desc' ? 'descending' : 'ascending') : (column.getCanSort() ? 'none' : null) };
    if (!column.getCanSort()) return h('th', attributes, definition.label);
    const arrow = sorted ? (sorted === 'desc' ? ' ▼' : ' ▲') : '';
    return h('th', attributes, h('button', { type: 'button', class: 'sort-button',
      onClick: () => {
        // Ascending, then descending, then as the list comes.
        // A new order starts again at the first page.
        const next = !sorted ? [{ id: column.id, desc: false }] : sorted === 'asc' ? [{ id: column.id, desc: true }] : [];
        tanstack.setState((previous) => ({ ...previous, sorting: next, pagination: { ...previous.pagination, pageIndex: 0 } }));
      } }, definition.label, h('span', { class: 'sort-arrow', 'aria-hidden': 'true' }, arrow)));
  }

  function draw() {
    const rows = shownRows();
    const visible = columns.filter((c) => state.columnVisibility[c.id] !== false);
    const rowCountAll = server ? total : tanstack.getPrePaginationRowModel().rows.length;
    if (!rows.length) {
      replace(holder, h('p', { class: 'empty' }, empty));
    } else {
      const head = h('thead', null, h('tr', null, visible.map((c) => headerCell(tanstack.getColumn(c.id)))));
      const body = h('tbody', null, rows.map((row) => bodyRow(row, visible, rowClass ? rowClass(row) : null)));
      const tableElement = h('table', { class: `data-table responsive-table${tableClass ? ` ${tableClass}` : ''}` },
        caption ? h('caption', { class: captionHidden ? 'visually-hidden' : null }, caption) : null, head, body,
        foot.length ? h('tfoot', null, foot.map((row) => bodyRow(row, visible, 'row-total'))) : null);
      replace(holder, h('div', { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': caption || 'Table' }, tableElement));
    }
    const { pageIndex, pageSize: size } = state.pagination;
    const first = rowCountAll ? pageIndex * size + 1 : 0;
    const last = Math.min(rowCountAll, (pageIndex + 1) * size);
    // "Showing 26–50 of 1,240 donors."; a list named by its noun that fits
    // one page: "Showing 4 donor centers."
    const all = rowCountAll.toLocaleString('en-US');
    if (!rowCountAll) count.textContent = '';
    else if (noun && first === 1 && last === rowCountAll) count.textContent = `Showing ${all} ${noun}.`;
    else count.textContent = `Showing ${first}–${last} of ${all}${noun ? ` ${noun}` : ''}.`;
    drawPager(rowCountAll);
    if (onDraw) onDraw();
  }

  function drawPager(rowCountAll) {
    const pages = Math.max(1, Math.ceil(rowCountAll / state.pagination.pageSize));
    const index = state.pagination.pageIndex;
    if (pages <= 1) {
      replace(pager);
      return;
    }
    const go = (page) => tanstack.setPageIndex(page);
    replace(pager,
      h('button', { type: 'button', class: 'button-secondary button-small', disabled: index === 0, onClick: () => go(index - 1) }, 'Previous'),
      h('span', { class: 'pager-position' }, `Page ${index + 1} of ${pages.toLocaleString('en-US')}`),
      h('button', { type: 'button', class: 'button-secondary button-small', disabled: index >= pages - 1, onClick: () => go(index + 1) }, 'Next'));
  }

  /* Every row the filters and the sort give (all pages, not only the one
   * shown): a server list is asked page by page, at most 100,000 rows. */
  async function allRows() {
    if (!server) return tanstack.getPrePaginationRowModel().rows.map((r) => r.original);
    const out = [];
    const limit = 500;
    for (let offset = 0; offset < Math.min(total, 100000); offset += limit) {
      const answer = await load(serverQuery(offset, limit));
      out.push(...answer.rows);
      if (answer.rows.length < limit) break;
    }
    return out;
  }

  exportButton.addEventListener('click', async () => {
    exportButton.disabled = true;
    try {
      const rows = await allRows();
      const exported = columns.filter((c) => c.csv !== false);
      const csv = window.Papa.unparse({
        fields: exported.map((c) => c.label),
        data: [...rows, ...foot].map((row) => exported.map((c) => plain(typeof c.csv === 'function' ? c.csv(row) : c.value(row)))),
      }, { escapeFormulae: true, newline: '\r\n' });
      saveText(`${csv}\r\n`, csvName, 'text/csv');
    } finally {
      exportButton.disabled = false;
    }
  });

  const ready = refresh();
  return {
    element,
    ready,
    reload: () => refresh(),
    rows: shownRows,
    // Every row the filters give, on every page (a local list).
    filtered: () => (server ? data : tanstack.getPrePaginationRowModel().rows.map((r) => r.original)),
    setRows: (rows) => {
      data = rows;
      tanstack.setOptions((previous) => ({ ...previous, data }));
      draw();
    },
  };
}

/* The `load` of a server list over an API path: the filters go as query
 * parameters of their own names, beside `params`; the answer's `items`
 * are the rows and its `total` the count. A list that does not count (it
 * pages by key only, in its own order: its columns are not sortable) is
 * read whole, page after page, and the page asked cut from it. */
export function apiLoader(path, params = {}) {
  let counts = true; // until the list answers without `total`: then it is read whole
  return async ({ sort, filters, offset, limit }) => {
    const query = { ...params, ...filters };
    if (counts) {
      const answer = await api.get(path, { ...query, sort: sort || '', offset, limit });
      if (answer.total !== undefined) return { rows: answer.items, total: answer.total };
      counts = false;
    }
    const all = await api.getAll(path, query);
    return { rows: all.slice(offset, offset + limit), total: all.length };
  };
}
