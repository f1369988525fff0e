import { html } from './html-page.js';
import {
  accountPage,
  errorBlock,
  field,
  messagePage,
  passwordHint,
  type PageError,
  type PasswordRules,
} from './page-parts.js';

/**
 * The page a password-reset mail links to (`/reset-password?token=…`): a new password,
 * typed twice, and, once the server said the account has a second factor, a code from it
 * (with a button that texts one to an SMS account). Plain HTML forms: it works with
 * JavaScript off.
 */

export type SecondFactorMethod = 'totp' | 'sms' | 'backup_code';

export const SECOND_FACTOR_METHODS: readonly SecondFactorMethod[] = ['totp', 'sms', 'backup_code'];

const METHOD_LABELS: Record<SecondFactorMethod, string> = {
  totp: 'Authenticator app',
  sms: 'Text message (SMS)',
  backup_code: 'Backup code',
};

export interface ResetPasswordView {
  productName: string;
  rules: PasswordRules;
  /** Shown once the account turned out to have a second factor; the method last chosen. */
  secondFactor?: SecondFactorMethod | undefined;
  error?: PageError | undefined;
  /** A status line (e.g. "we texted you a code"). */
  notice?: string | undefined;
}

export function resetPasswordPage(view: ResetPasswordView): string {
  const { error, secondFactor } = view;
  const body = html`<p>
      Choose a new password for your ${view.productName} account. Every device signed in to the account will
      be signed out.
    </p>
    ${view.notice ? html`<p class="notice" role="status">${view.notice}</p> ` : ''}${errorBlock(error)}
    <form method="post" novalidate>
      ${secondFactor ? secondFactorFields(secondFactor, error) : ''}${field({
        id: 'password',
        name: 'password',
        label: 'New password',
        autocomplete: 'new-password',
        hint: passwordHint(view.rules),
        error,
      })}${field({
        id: 'password-again',
        name: 'passwordAgain',
        label: 'New password again',
        autocomplete: 'new-password',
        error,
      })}<button type="submit">Set new password</button>
    </form>
    ${secondFactor ? sendSmsForm() : ''}`;
  return accountPage({ productName: view.productName, heading: 'Choose a new password', body, error });
}

function secondFactorFields(method: SecondFactorMethod, error: PageError | undefined) {
  return html`<h2>Second factor</h2>
    <p>Choose where your code comes from, then enter it.</p>
    <fieldset>
      <legend>Where your code comes from</legend>
      ${SECOND_FACTOR_METHODS.map(
        (value) =>
          html`<div>
            <input
              type="radio"
              id="method-${value}"
              name="method"
              value="${value}"
              ${value === method ? html` checked` : ''}
            /><label class="choice" for="method-${value}">${METHOD_LABELS[value]}</label>
          </div> `,
      )}
    </fieldset>
    ${field({ id: 'code', name: 'code', type: 'text', label: 'Code', autocomplete: 'one-time-code', error })}`;
}

/** A form of its own, so Enter in the fields above submits the reset, not this. */
function sendSmsForm() {
  return html`<form method="post" novalidate>
    <input type="hidden" name="action" value="send_sms" />
    <p id="sms-hint">If your second factor is text messages, we can send you a code now.</p>
    <button type="submit" aria-describedby="sms-hint">Text me a code</button>
  </form> `;
}

export function passwordResetDonePage(productName: string): string {
  return messagePage(productName, 'Your password has been changed', [
    `Sign in to ${productName} with your new password. Every device that was signed in has been signed out.`,
  ]);
}

export function resetLinkUnusablePage(productName: string): string {
  return messagePage(productName, 'This link can no longer be used', [
    'It is invalid, has expired or was already used: each reset link works once, for a limited time.',
    'To choose a new password, ask for a new reset email where you sign in ("Forgot password").',
  ]);
}
