// main.js - the application's entry point: the route table, the session
// check on load (GET /api/v1/me; no session -> the login page, then back to
// the page asked for), logging out, and a 401 at any time -> login.

import * as api from './api.js';
import * as layout from './layout.js';
import * as router from './router.js';
import * as session from './session.js';
import * as loginPage from './pages/login.js';
import * as homePage from './pages/home.js';
import * as dashboardPage from './pages/dashboard.js';
import * as quarterlyPage from './pages/quarterly.js';
import * as marketsPage from './pages/markets.js';
import * as centersPage from './pages/centers.js';
import * as hospitalsPage from './pages/hospitals.js';
import * as usersPage from './pages/users.js';
import * as donorsPage from './pages/donors.js';
import * as collectionsPage from './pages/collections.js';
import * as unitsPage from './pages/units.js';
import * as resultsPage from './pages/results.js';
import * as releasePage from './pages/release.js';
import * as inventoryPage from './pages/inventory.js';
import * as lookbackPage from './pages/lookback.js';

const routes = [
  { pattern: '/login', page: loginPage, title: 'Log in', public: true },
  { pattern: '/', page: homePage, title: 'Home' },
  { pattern: '/dashboard', page: dashboardPage, title: 'Dashboard', capability: 'reports' },
  { pattern: '/quarterly', page: quarterlyPage, title: 'Quarterly results', capability: 'reports' },
  { pattern: '/markets', page: marketsPage, title: 'Markets', capability: 'registry' },
  { pattern: '/markets/:code', page: { render: marketsPage.renderOne }, title: 'Market', capability: 'registry' },
  { pattern: '/centers', page: centersPage, title: 'Donor centers', capability: 'registry' },
  { pattern: '/centers/:code', page: { render: centersPage.renderOne }, title: 'Donor center', capability: 'registry' },
  { pattern: '/hospitals', page: hospitalsPage, title: 'Hospitals', capability: 'registry' },
  { pattern: '/hospitals/:code', page: { render: hospitalsPage.renderOne }, title: 'Hospital', capability: 'registry' },
  { pattern: '/users', page: usersPage, title: 'Users', capability: 'users' },
  { pattern: '/donors', page: donorsPage, title: 'Donors', capability: 'donors' },
  { pattern: '/donors/:number', page: { render: donorsPage.renderOne }, title: 'Donor', capability: 'donors' },
  { pattern: '/collections', page: collectionsPage, title: 'Collections', capability: 'collections' },
  { pattern: '/collections/new', page: { render: collectionsPage.renderNew }, title: 'Record a collection', capability: 'collections.write' },
  { pattern: '/collections/:din', page: { render: collectionsPage.renderOne }, title: 'Collection', capability: 'collections' },
  { pattern: '/units/lookup', page: unitsPage, title: 'Unit lookup', capability: 'units' },
  { pattern: '/results/import', page: resultsPage, title: 'Import test results', capability: 'testing' },
  { pattern: '/release', page: releasePage, title: 'Release queue', capability: 'release' },
  { pattern: '/inventory', page: inventoryPage, title: 'Inventory', capability: 'inventory' },
  { pattern: '/lookback', page: lookbackPage, title: 'Lookback cases', capability: 'lookback' },
  { pattern: '/lookback/:id', page: { render: lookbackPage.renderOne }, title: 'Lookback case', capability: 'lookback' },
];

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
    routes,
    onRender: () => layout.update(),
    onLoginNeeded: (next) => toLogin(next),
  });
}

boot();
