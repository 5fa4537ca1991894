// api-reference.js - the API reference page (/api-reference): the server's
// description of its own API (GET /api/v1/openapi.json, which needs the
// session) drawn by Redoc; without a session, the login page first and
// then back here.
(async function show() {
  const status = document.getElementById('reference-status');
  const answer = await fetch('/api/v1/openapi.json', { credentials: 'same-origin' });
  if (answer.status === 401) {
    window.location.replace('/login?next=%2Fapi-reference');
    return;
  }
  if (!answer.ok) {
    status.textContent = `The API's description cannot be loaded (HTTP ${answer.status}).`;
    return;
  }
  const document_ = await answer.json();
  window.Redoc.init(document_, { hideDownloadButton: false, expandResponses: '200,201', sortPropsAlphabetically: false },
    document.getElementById('redoc'), () => status.remove());
}());
