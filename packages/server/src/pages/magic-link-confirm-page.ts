import { html, pageCsp, renderPage } from './html-page.js';

/**
 * The page an emailed magic link opens (GET, served by the server). Opening it consumes
 * nothing: mail scanners prefetch links, and some run scripts, so the token is only sent
 * when a person presses the button. The script is a separate file from the same origin
 * (the CSP allows `script-src 'self'` and nothing inline); the API takes JSON only, so a
 * plain HTML form could not post the token.
 *
 * The page reads the token from its own address (the server never reflects it into
 * HTML), POSTs it to `verify`, asks for a second-factor code when the answer is
 * `mfaRequired` (TOTP, SMS or a backup code; a passkey as second factor is not offered),
 * then removes the token from the address bar and goes to `redirectTo`
 * (checked against `server.redirectOrigins` by the server before it is put in the page).
 * Tokens never travel in a URL; in cookie mode the refresh cookie carries the session.
 */

/** The page's own CSP: its script, calls to its own origin, its style, nothing else. */
export const CONFIRM_PAGE_CSP = pageCsp({ script: true });

/** The confirm page; `redirectTo` must already be allow-listed (null: stay on the page). */
export function confirmPageHtml(productName: string, redirectTo: string | null): string {
  const body = html`<main
    id="magic-link"
    ${redirectTo === null ? '' : html` data-redirect-to="${redirectTo}"`}
  >
    <h1>Sign in to ${productName}</h1>
    <p id="status">Press the button to finish signing in. The link works once.</p>
    <button id="sign-in" type="button">Sign in</button>
    <div id="mfa" hidden>
      <label for="code">Code from your authenticator app or text message, or a backup code</label>
      <input id="code" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" />
      <button id="verify-code" type="button">Verify</button>
    </div>
    <noscript><p>This page needs JavaScript to finish signing in.</p></noscript>
  </main>`;
  return renderPage({ title: `Sign in to ${productName}`, body, script: 'confirm.js' });
}

/** Served as `confirm.js` next to the page; plain ES2017, no dependencies. */
export const CONFIRM_PAGE_SCRIPT = `'use strict';
(() => {
  const main = document.getElementById('magic-link');
  const status = document.getElementById('status');
  const signIn = document.getElementById('sign-in');
  const mfa = document.getElementById('mfa');
  const codeInput = document.getElementById('code');
  const verifyCode = document.getElementById('verify-code');
  const token = new URLSearchParams(location.search).get('token') || '';
  // Links carry their tenant (ot1.<tenant>.<user>.<secret>); the MFA step needs it named.
  const tenant = token.split('.')[1] || '';
  const redirectTo = main.dataset.redirectTo || '';
  let challenge = null;

  const show = (text) => { status.textContent = text; };
  const post = async (path, body) => {
    const headers = { 'content-type': 'application/json' };
    if (tenant) headers['x-tenant-id'] = tenant;
    try {
      const response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin' });
      return { status: response.status, body: await response.json().catch(() => ({})) };
    } catch {
      return { status: 0, body: {} };
    }
  };
  const failed = (result) => {
    if (result.status === 429) return 'Too many attempts. Wait a little and try again.';
    if (result.status === 0) return 'The server could not be reached. Check your connection and try again.';
    if (result.body.code === 'invalid_code') return 'That code did not work. Try again.';
    if (result.body.code === 'invalid_or_expired_token') return 'This link is invalid, expired or already used. Ask for a new one.';
    return result.body.title || 'Signing in failed.';
  };
  const done = () => {
    history.replaceState(null, '', location.pathname);
    if (redirectTo) location.replace(redirectTo);
    else show('You are signed in. You can close this page.');
  };

  // TOTP first when enrolled; an SMS-only account gets its code sent at once.
  const askForCode = async (body) => {
    challenge = body;
    signIn.hidden = true;
    mfa.hidden = false;
    codeInput.focus();
    show('Enter a code from your second factor to finish signing in.');
    if (!challenge.methods.includes('sms') || challenge.methods.includes('totp')) return;
    const sent = await post('../mfa/challenge', { challengeId: challenge.challengeId, method: 'sms' });
    show(sent.status === 202 ? 'We sent you a code by SMS. Enter it to finish signing in.' : failed(sent));
  };
  const methodOf = (code) => {
    if (!/^[0-9]{4,10}$/.test(code)) return 'backup_code';
    return challenge.methods.includes('totp') ? 'totp' : challenge.methods.includes('sms') ? 'sms' : 'backup_code';
  };

  if (!token) {
    signIn.disabled = true;
    show('This link is incomplete: open the whole link from the email.');
  }

  signIn.addEventListener('click', async () => {
    signIn.disabled = true;
    show('Signing in…');
    const result = await post('verify', { token });
    if (result.status === 200 && result.body.mfaRequired) return askForCode(result.body);
    if (result.status === 200) return done();
    signIn.disabled = result.status !== 0 && result.status !== 429;
    show(failed(result));
  });

  verifyCode.addEventListener('click', async () => {
    const code = codeInput.value.trim();
    if (!challenge || !code) return;
    const method = methodOf(code);
    verifyCode.disabled = true;
    const result = await post('../mfa/verify', { challengeId: challenge.challengeId, method, code });
    verifyCode.disabled = false;
    if (result.status === 200) return done();
    show(failed(result));
  });
})();
`;
