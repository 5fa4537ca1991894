// dom.js - building the page safely: h() makes elements from data (text is
// always text, never parsed as HTML), plus small helpers for tables, the
// visually-hidden class and message regions. Nothing here sets inline style
// attributes: the page's Content-Security-Policy forbids them.

/*
 * h('a', {href: '/x', class: 'nav', onClick: fn}, 'text', child, [more])
 * Attributes: class, text (textContent), on<Event> (addEventListener),
 * boolean true/false (set/removed), null/undefined (skipped), dataset
 * (object), anything else as an attribute. Children: nodes, strings,
 * numbers, arrays of those, null/false (skipped).
 */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'style') throw new Error('inline style attributes are not allowed (CSP)');
    if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = String(value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (/^on[A-Z]/.test(name)) element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else if (name === 'value' || name === 'checked') element[name] = value;
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/* Appends children (see h) to a node. */
export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/* Replaces every child of a node. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/* Text only screen readers read. */
export function hidden(text) {
  return h('span', { class: 'visually-hidden' }, text);
}

/* A unique id for label/description links. */
let counter = 0;
export function uid(prefix = 'id') {
  counter += 1;
  return `${prefix}-${counter}`;
}

/*
 * A table from column definitions: [{label, value(row) -> node|string,
 * numeric?, header?}]. Rows may carry a `className`. A table wider than a
 * phone scrolls inside a labelled, focusable region.
 */
export function table({ caption, columns, rows, className = 'data-table', captionHidden = false }) {
  const head = h('thead', null, h('tr', null, columns.map((c) =>
    h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label))));
  const body = h('tbody', null, rows.map((row) => h('tr', { class: row.className || null },
    columns.map((c) => {
      const cell = c.value(row);
      return c.header
        ? h('th', { scope: 'row', class: c.numeric ? 'num' : null }, cell)
        : h('td', { class: c.numeric ? 'num' : null }, cell);
    }))));
  const tableElement = h('table', { class: className },
    caption ? h('caption', { class: captionHidden ? 'visually-hidden' : null }, caption) : null, head, body);
  return scroller(tableElement, caption);
}

/* Wraps a wide element so that it scrolls sideways on a small screen. */
export function scroller(content, label) {
  return h('div', { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': label || 'Table' }, content);
}

/* A message box: kind 'error' (role=alert), 'success' or 'info' (role=status). */
export function message(kind, text) {
  return h('div', { class: `message message-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('span', { class: 'message-label' }, kind === 'error' ? 'Error: ' : kind === 'success' ? 'Done: ' : 'Note: '),
    text);
}
