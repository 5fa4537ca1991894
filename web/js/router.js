// router.js - pages in the browser with the History API. The server sends
// the same shell for every page path, so the router reads location,
// finds the route, checks the session and the roles, and asks the page to
// render into <main>. Links to local paths are followed without a reload.
// Each render gets a context whose `active()` turns false once the user has
// moved on, so a slow answer never draws over the next page.

import { h, replace } from './dom.js';
import * as session from './session.js';

let routes = [];
let hooks = {};
let renderCount = 0;
let cleanups = [];
let shown = null; // the path and query of the page on screen

/*
 * start({routes, onRender, onLoginNeeded}): routes are the pages' own
 * declarations, {pattern: '/centers/:code', render(ctx), title,
 * capability?: 'reports', public?: true, external?: true (a document the
 * server serves itself, loaded whole)}, in any order: where two patterns
 * match a path, the one with a literal segment where the other has a
 * parameter wins ('/collections/new' over '/collections/:din').
 */
export function start(options) {
  routes = options.routes.map((route) => ({ ...route, regex: compile(route.pattern) }))
    .sort((a, b) => specificity(b.pattern).localeCompare(specificity(a.pattern)));
  hooks = options;
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', () => {
    // Following an in-page link (#main, the skip link) is not a new page.
    if (location.pathname + location.search !== shown) render();
  });
  return render();
}

/* '1' for each literal segment, '0' for a parameter: compared as text. */
function specificity(pattern) {
  return pattern.split('/').map((segment) => (segment.startsWith(':') ? '0' : '1')).join('');
}

function compile(pattern) {
  const names = [];
  const source = pattern.replace(/:([a-z]+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  return { re: new RegExp(`^${source}/?$`), names };
}

function match(pathname) {
  for (const route of routes) {
    const found = route.regex.re.exec(pathname);
    if (found) {
      const params = {};
      route.regex.names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1]);
      });
      return { route, params };
    }
  }
  return null;
}

/* Goes to a local URL ('/dashboard?quarter=2004Q1'). */
export function navigate(url, { replace: replaceEntry = false } = {}) {
  if (replaceEntry) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  return render();
}

/* The path and query now, for "come back here after login". */
export function here() {
  return location.pathname + location.search;
}

function onClick(event) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/assets/')) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}

/* Shows the page for the current location. */
export async function render() {
  renderCount += 1;
  const token = renderCount;
  for (const cleanup of cleanups.splice(0)) {
    try {
      cleanup();
    } catch {
      // A page's cleanup failing must not stop the next page.
    }
  }
  const main = document.getElementById('main');
  shown = location.pathname + location.search;
  const found = match(location.pathname);
  const user = session.current();
  if (found && !found.route.public && !user) {
    hooks.onLoginNeeded(here());
    return;
  }
  const context = {
    main,
    params: found ? found.params : {},
    query: new URLSearchParams(location.search),
    active: () => token === renderCount,
    onCleanup: (fn) => cleanups.push(fn),
    navigate,
    setTitle: (title) => {
      document.title = `${title} - bloodops`;
    },
  };
  let route = found && found.route;
  // A page that is a document of its own (the API reference): load it whole.
  if (route && route.external && (!route.capability || session.can(route.capability))) {
    window.location.replace(location.pathname + location.search);
    return;
  }
  if (!found) route = { title: 'Page not found', render: notFound };
  else if (route.capability && !session.can(route.capability)) route = { title: 'No access', render: forbidden };
  context.setTitle(route.title);
  if (hooks.onRender) hooks.onRender(found ? found.route : null);
  main.setAttribute('aria-busy', 'true');
  replace(main);
  try {
    await route.render(context);
  } catch (error) {
    if (context.active()) showFailure(main, error);
  } finally {
    if (context.active()) main.removeAttribute('aria-busy');
  }
  if (context.active()) announce(main);
}

/* After a page change (not the first page shown): focus the heading so
 * keyboard and screen reader users start at the top of the new page, and
 * announce its title. A page made for a scanner (the DIN lookup) marks its
 * field data-autofocus: the focus goes there instead, on the first page
 * too, so that the next scan lands in it. */
let firstRender = true;
function announce(main) {
  const heading = main.querySelector('h1');
  const field = main.querySelector('[data-autofocus]');
  if (field) {
    field.focus({ preventScroll: true });
    if (!firstRender) window.scrollTo(0, 0);
  } else if (heading && !firstRender) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  firstRender = false;
  const announcer = document.getElementById('route-announcer');
  if (announcer) announcer.textContent = document.title;
}

function notFound(context) {
  replace(context.main,
    h('h1', null, 'Page not found'),
    h('p', null, 'There is no page at this address. ', h('a', { href: '/' }, 'Go to the home page'), '.'));
}

function forbidden(context) {
  replace(context.main,
    h('h1', null, 'No access'),
    h('div', { class: 'message message-error', role: 'alert' },
      h('p', null, h('strong', null, 'You do not have access to this page.')),
      h('p', null, 'Your roles do not allow it. Ask an administrator if you need it.')),
    h('p', null, h('a', { href: '/' }, 'Go to the home page')));
}

function showFailure(main, error) {
  replace(main,
    h('h1', null, 'Something went wrong'),
    h('div', { class: 'message message-error', role: 'alert' },
      h('p', null, error && error.message ? error.message : 'The page could not be shown.')),
    h('p', null, h('a', { href: location.pathname + location.search }, 'Try again')));
}
