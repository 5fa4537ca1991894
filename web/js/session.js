// session.js - who is logged in and what they may do: the user from
// GET /api/v1/me or the login answer, with the capabilities the server's
// role matrix gives their roles (the pages and the navigation follow them;
// the API checks again anyway) and the product's areas, and the CSRF
// token kept in memory only.

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

let user = null;

export function current() {
  return user;
}

/* Whether the user holds a capability of the server's role matrix
 * ("collections.write"; `bloodops capability list` lists them). */
export function can(capability) {
  return Boolean(user) && user.capabilities.includes(capability);
}

/* The codes of the centers the user works at when they are limited to
 * them (docs/users.md, "Scope"), else null: every center. */
export function ownCenters() {
  return user && user.limitedToCenters ? user.centers : null;
}

/* The names of the worklist sections the user's roles give them
 * (docs/worklists.md), from the server; [] for a user without a worklist. */
export function worklist() {
  return user ? user.worklist : [];
}

/* The product's areas in order, [{key, title}], for grouping pages. */
export function areas() {
  return user ? user.areas : [];
}

function set(me) {
  user = me
    ? {
      username: me.username,
      roles: me.roles || [],
      capabilities: me.capabilities || [],
      areas: me.areas || [],
      centers: me.centers || [],
      worklist: me.worklist || [],
      limitedToCenters: Boolean(me.limited_to_centers),
      expiresAt: me.expires_at,
    }
    : null;
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
  set({ ...answer, username: answer.user.username, roles: answer.user.roles, centers: answer.user.centers });
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
