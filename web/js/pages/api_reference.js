// pages/api_reference.js - the API reference (/api-reference) in the
// navigation. The page itself is a document of its own (web/api-reference.html,
// Redoc), which the server serves with the policy Redoc needs: the
// router loads it whole (`external`) rather than drawing it here.

// This module's pages: the router and the navigation are built from them.
export const pages = [
  { pattern: '/api-reference', external: true, title: 'API reference', capability: 'session',
    nav: { area: 'administration', order: 90, label: 'API reference', description: 'Every endpoint of the HTTP API: who may call it, what it takes and what it answers.' } },
];
