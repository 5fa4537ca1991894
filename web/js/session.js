// session.js - who is logged in and what their roles allow: the user from
// GET /api/v1/me or the login answer, the CSRF token kept in memory only,
// and the permission rules the pages and the navigation use (the same
// role sets as the API's route tables; the API checks again anyway).

import * as api from './api.js';

export const ROLE_LABELS = {
  admin: 'Administrator',
  center_staff: 'Donor-center staff',
  lab: 'Lab / quality',
  distribution: 'Distribution',
  apheresis_nurse: 'Apheresis nurse',
  contract_services: 'Contract services',
  finance: 'Finance',
  executive: 'Executive',
  auditor: 'Auditor',
};
export const ROLES = Object.keys(ROLE_LABELS);

/* What each capability needs: any one of the roles. */
const RULES = {
  reports: ['finance', 'executive', 'auditor', 'admin'],
  users: ['admin'],
  registry: ROLES,
  'markets.write': ['admin'],
  'centers.write': ['admin'],
  'hospitals.write': ['admin', 'distribution', 'finance'],
  // The blood-products chain (docs/donors.md, collections.md, testing.md).
  donors: ['admin', 'center_staff', 'lab', 'distribution', 'executive', 'auditor'],
  'donors.write': ['admin', 'center_staff'],
  'deferrals.write': ['admin', 'center_staff', 'lab'],
  collections: ROLES.filter((role) => role !== 'finance'),
  'collections.write': ['admin', 'center_staff'],
  'collections.process': ['admin', 'center_staff', 'lab'],
  units: ROLES.filter((role) => role !== 'finance'),
  'units.discard': ['admin', 'center_staff', 'lab'],
  testing: ['admin', 'lab'],
  release: ['admin', 'lab', 'center_staff'],
  'release.sign': ['admin', 'lab'],
  inventory: ROLES.filter((role) => role !== 'finance'),
  lookback: ['admin', 'lab', 'distribution', 'auditor'],
  'lookback.write': ['admin', 'lab'],
};

let user = null;

export function current() {
  return user;
}

export function can(capability) {
  const roles = RULES[capability];
  if (!roles) throw new Error(`unknown capability ${capability}`);
  return Boolean(user) && user.roles.some((r) => roles.includes(r));
}

function set(me) {
  user = me ? { username: me.username, roles: me.roles || [], expiresAt: me.expires_at } : null;
  api.setCsrfToken(me ? me.csrf_token : null);
}

/* Loads the session from the cookie; null when there is none (401). */
export async function load() {
  try {
    set(await api.get('/api/v1/me', null, { quiet401: true }));
  } catch (error) {
    if (error.status === 401) set(null);
    else throw error;
  }
  return user;
}

export async function login(username, password) {
  const answer = await api.post('/api/v1/login', { username, password }, { quiet401: true });
  set({ ...answer, username: answer.user.username, roles: answer.user.roles });
  return user;
}

export async function logout() {
  try {
    await api.post('/api/v1/logout', {}, { quiet401: true });
  } finally {
    set(null);
  }
}

/* Forget the session without asking the server (it answered 401). */
export function drop() {
  set(null);
}

/* Roles as labels, in the order of ROLES whatever order the API used. */
export function roleLabels(roles) {
  return [...roles].sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b)).map((role) => ROLE_LABELS[role] || role);
}
