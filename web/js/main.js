// main.js - the application's entry point: the routes (every page module's
// declared pages, gathered in the generated page-index.js), the session
// check on load (GET /api/v1/me; no session -> the login page, then back to
// the page asked for), logging out, and a 401 at any time -> login.

import * as api from './api.js';
import * as layout from './layout.js';
import * as navigation from './navigation.js';
import * as router from './router.js';
import * as session from './session.js';
import { pages } from './page-index.js';

/* To the login page, remembering where the user wanted to go. */
function toLogin(next) {
  session.drop();
  layout.update();
  const target = next && next !== '/login' && !next.startsWith('/login?') ? `/login?next=${encodeURIComponent(next)}` : '/login';
  router.navigate(target, { replace: true });
}

async function logout() {
  try {
    await session.logout();
  } catch {
    // Logged out here whatever the server said: the cookie may be gone already.
  }
  layout.update();
  router.navigate('/login', { replace: false });
}

async function boot() {
  navigation.setPages(pages);
  layout.init({ logout });
  api.onUnauthorized(() => toLogin(router.here()));
  try {
    await session.load();
  } catch (error) {
    document.getElementById('main').replaceChildren();
    const text = document.createElement('p');
    text.setAttribute('role', 'alert');
    text.textContent = `bloodops cannot start: ${error.message}`;
    document.getElementById('main').append(text);
    return;
  }
  layout.update();
  await router.start({
    routes: pages,
    onRender: () => layout.update(),
    onLoginNeeded: (next) => toLogin(next),
  });
}

boot();
