// Talks to the gateway. The bearer token lives in this module's memory only (never localStorage, sessionStorage or
// a cookie): a reload or "Sign out" forgets it, so a shared screen keeps no credential.
let token = null;

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function setToken(value) { token = value && value.trim() ? value.trim() : null; }
export function hasToken() { return token !== null; }

// The gateway answers refusals with a FHIR OperationOutcome: show its diagnostics, never the token.
async function failure(response) {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    const issue = body && body.issue && body.issue[0];
    if (issue) message = issue.diagnostics || (issue.details && issue.details.text) || message;
    else if (body && body.error_description) message = body.error_description;
  } catch { /* not JSON */ }
  return new ApiError(response.status, message);
}

export async function getJson(path) {
  const headers = { Accept: 'application/fhir+json, application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { headers, cache: 'no-store', credentials: 'omit' });
  if (!response.ok) throw await failure(response);
  return response.json();
}

export async function loginOptions() { return getJson('api/login-options'); }

// Development only: the gateway's test-token shortcut, asked for a commissioner token of a demo organisation.
export async function devToken(options, organisation) {
  const query = new URLSearchParams({ organisation, role: options.role, scope: options.scope, purposes: options.purposes });
  const response = await fetch(`${options.devTokenPath}?${query}`, { method: 'POST', cache: 'no-store', credentials: 'omit' });
  if (!response.ok) throw await failure(response);
  const body = await response.json();
  return body.access_token;
}

export async function reports(subjects, years, measures = []) {
  const query = new URLSearchParams();
  for (const s of subjects) query.append('subject', s);
  for (const y of years) query.append('sen2Year', String(y));
  for (const m of measures) query.append('measure', m);
  const bundle = await getJson(`api/reports?${query}`);
  return (bundle.entry || []).map(e => e.resource);
}
