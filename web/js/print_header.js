// print_header.js - what every printed page carries besides the page
// itself: the company's name (GET /api/v1/company, asked once per
// session), the page's title and when it was printed, in a header that only
// print.css shows; the page numbers ("Page 1 of 3") are print.css's own
// (@page margin boxes).

import * as api from './api.js';
import { h, replace } from './dom.js';

let company = null;
let asked = null;

/* Asks the company's name once a user is logged in (again after a failure). */
export function load() {
  if (company !== null || asked) return;
  asked = api.get('/api/v1/company')
    .then((answer) => { company = answer.name || ''; })
    .catch(() => { /* printed without the name; asked again next time */ })
    .finally(() => { asked = null; });
}

/* Forgets it at logout: the next user's session asks again. */
export function drop() {
  company = null;
}

/* The header's text now: company, title, and the time of printing in the
 * browser's zone, named. */
function fill() {
  const holder = document.getElementById('print-header');
  if (!holder) return;
  const printed = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    hour12: false, timeZoneName: 'short',
  }).format(new Date()).replace(',', '');
  replace(holder,
    h('span', { class: 'print-company' }, company || 'bloodops'),
    h('span', { class: 'print-title' }, document.title.replace(/ [-–] bloodops$/, '')),
    h('span', { class: 'print-date' }, `Printed ${printed}`));
}

/* Fills the header just before the browser prints (Print button, Ctrl+P). */
export function init() {
  window.addEventListener('beforeprint', fill);
}
