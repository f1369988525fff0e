import { html, renderPage, type Html } from './html-page.js';

/**
 * Parts the account pages share: labelled password fields, the error announcement, the
 * one-message pages, and failures in plain words. Forms post to the page's own address
 * (no `action`): the link token stays in the URL it came in, never in the HTML.
 */

/** An error to show above the form; `field` is the id of the input it is about. */
export interface PageError {
  message: string;
  field?: string | undefined;
}

export interface PasswordRules {
  minLength: number;
  maxLength: number;
}

/** Announced when the page loads (role=alert) and named in the title. */
export function errorBlock(error: PageError | undefined): Html | '' {
  return error ? html`<p id="error" class="error" role="alert">${error.message}</p> ` : '';
}

export interface InputSpec {
  id: string;
  name: string;
  label: string;
  type?: 'password' | 'text';
  autocomplete: string;
  hint?: string | undefined;
  error?: PageError | undefined;
}

/**
 * A labelled input. The one the error is about is marked invalid, described by the error
 * and focused when the page loads, so a keyboard or screen-reader user lands on it.
 */
export function field(spec: InputSpec): Html {
  const hintId = spec.hint ? `${spec.id}-hint` : undefined;
  const invalid = spec.error?.field === spec.id;
  const describedBy = [invalid ? 'error' : undefined, hintId].filter(Boolean).join(' ');
  const text = spec.type === 'text';
  return html`<label for="${spec.id}">${spec.label}</label>
    ${spec.hint ? html`<p id="${hintId}" class="hint">${spec.hint}</p> ` : ''}<input
      type="${spec.type ?? 'password'}"
      id="${spec.id}"
      name="${spec.name}"
      autocomplete="${spec.autocomplete}"
      required${text ? html` spellcheck="false" autocapitalize="none"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${invalid ? html` aria-invalid="true" autofocus` : ''}
    /> `;
}

export function passwordHint(rules: PasswordRules): string {
  return `At least ${rules.minLength} characters. A few unrelated words make a strong password that is easy to remember.`;
}

export interface AccountPageInput {
  productName: string;
  heading: string;
  body: Html;
  error?: PageError | undefined;
}

/** A page of this kind: the heading is the title, prefixed "Error:" while an error shows. */
export function accountPage({ productName, heading, body, error }: AccountPageInput): string {
  const title = `${error ? 'Error: ' : ''}${heading} – ${productName}`;
  return renderPage({
    title,
    body: html`<main>
      <h1>${heading}</h1>
      ${body}
    </main>`,
  });
}

/** A page that only says something (done, or the link cannot be used). */
export function messagePage(productName: string, heading: string, paragraphs: string[]): string {
  const body = html`${paragraphs.map((text) => html`<p>${text}</p> `)}`;
  return accountPage({ productName, heading, body });
}

export function incompleteLinkPage(productName: string): string {
  return messagePage(productName, 'This link is incomplete', [
    'Open the whole link from the email. If your mail program split it over two lines, copy both parts into the address bar.',
  ]);
}

/** Why the policy refused a password, in plain words. */
export function weakPasswordMessage(reason: string | undefined, rules: PasswordRules): string {
  switch (reason) {
    case 'too_short':
      return `This password is too short: use at least ${rules.minLength} characters.`;
    case 'too_long':
      return `This password is too long: use at most ${rules.maxLength} characters.`;
    case 'contains_identifier':
      return 'This password contains the first part of your email address: choose one that does not.';
    case 'common':
      return 'This password is one of the most common ones, which attackers try first: choose another.';
    case 'breached':
      return 'This password has appeared in a data breach, so attackers may try it: choose another.';
    default:
      return 'This password cannot be used: choose another.';
  }
}

/** A rate-limited submission, with the wait in minutes. */
export function tooManyAttempts(retryAfterSeconds: number | undefined): string {
  const minutes = Math.max(1, Math.ceil((retryAfterSeconds ?? 60) / 60));
  return `Too many attempts. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`;
}

export const SERVICE_TROUBLE =
  'Something went wrong on our side, and nothing was changed. Try again in a few minutes.';

export const PASSWORDS_DIFFER =
  'The two passwords are not the same. Type the new password in both fields again.';

/** A form another site made the browser send (see the server's page scope). */
export const FOREIGN_FORM =
  'This form was sent from another website, so nothing was changed. Fill it in on this page.';
