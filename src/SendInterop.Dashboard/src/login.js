// The sign-in panel: paste a token, or (Development only) get a test commissioner token for a demo organisation.
import { byId, el, setStatus } from './dom.js';
import { devToken, loginOptions, setToken } from './api.js';

export async function setUpLogin(onToken) {
  let options = { role: 'commissioner' };
  try {
    options = await loginOptions();
  } catch (e) {
    setStatus('login-status', `Could not read the sign-in options: ${e.message}`, true);
  }
  byId('required-role').textContent = options.role;

  byId('token-form').addEventListener('submit', event => {
    event.preventDefault();
    const input = byId('token-input');
    if (!input.value.trim()) {
      setStatus('login-status', 'Paste an access token first.', true);
      input.focus();
      return;
    }
    setToken(input.value);
    input.value = ''; // the token stays in memory only, not in the form
    onToken();
  });

  if (options.devTokenPath && options.devOrganisations && options.devOrganisations.length > 0) {
    const select = byId('dev-organisation');
    for (const o of options.devOrganisations) select.append(el('option', { value: o.id }, `${o.name} (${o.id})`));
    byId('dev-form').hidden = false;
    byId('dev-form').addEventListener('submit', async event => {
      event.preventDefault();
      setStatus('login-status', 'Getting a development token...');
      try {
        setToken(await devToken(options, select.value));
        onToken();
      } catch (e) {
        setStatus('login-status', `No development token: ${e.message}`, true);
      }
    });
  }
}

export function showLogin(message, isError) {
  setToken(null);
  byId('dashboard').hidden = true;
  byId('login').hidden = false;
  setStatus('login-status', message || '', isError);
  byId('login-heading').setAttribute('tabindex', '-1');
  byId('login-heading').focus();
}
