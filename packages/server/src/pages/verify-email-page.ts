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
 * The page a verification mail links to (`/verify-email?token=…`). Confirming an address
 * names its password (docs/account-lifecycle.md): the one chosen at sign-up, or a new one
 * for an owner who never signed up (someone else used the address) or forgot it. Two plain
 * HTML forms, one per answer: it works with JavaScript off.
 */

export type VerifyEmailForm = 'signup_password' | 'new_password';

export interface VerifyEmailView {
  productName: string;
  rules: PasswordRules;
  /** The form the error belongs to. */
  errorIn?: VerifyEmailForm | undefined;
  error?: PageError | undefined;
}

export function verifyEmailPage(view: VerifyEmailView): string {
  const errorFor = (form: VerifyEmailForm) => (view.errorIn === form ? view.error : undefined);
  const signupError = errorFor('signup_password');
  const newError = errorFor('new_password');
  const body = html`<p>
      Confirm the address of your ${view.productName} account with the password you chose when you signed up.
    </p>
    ${errorBlock(signupError)}
    <form method="post" novalidate>
      <input type="hidden" name="action" value="signup_password" />
      ${field({
        id: 'signup-password',
        name: 'password',
        label: 'The password you chose when you signed up',
        autocomplete: 'current-password',
        error: signupError,
      })}<button type="submit">Confirm my email</button>
    </form>
    <h2>I didn't sign up, or I forgot that password</h2>
    <p>
      The email we sent you says when and from where the sign-up was made. If that was not you, or you no
      longer know the password, choose a new one: your address is confirmed with it, and anything set up on
      the account before you confirmed it (another password, second factors, passkeys, linked sign-ins,
      signed-in devices) is removed.
    </p>
    ${errorBlock(newError)}
    <form method="post" novalidate>
      <input type="hidden" name="action" value="new_password" />
      ${field({
        id: 'new-password',
        name: 'newPassword',
        label: 'New password',
        autocomplete: 'new-password',
        hint: passwordHint(view.rules),
        error: newError,
      })}${field({
        id: 'new-password-again',
        name: 'newPasswordAgain',
        label: 'New password again',
        autocomplete: 'new-password',
        error: newError,
      })}<button type="submit">Choose this password and confirm my email</button>
    </form> `;
  return accountPage({
    productName: view.productName,
    heading: 'Confirm your email address',
    body,
    error: view.error,
  });
}

export function emailVerifiedPage(productName: string, passwordSet: boolean): string {
  return messagePage(productName, 'Your email address is confirmed', [
    passwordSet
      ? `Your ${productName} account is ready: sign in with your email address and the password you just entered.`
      : `Your ${productName} account's address is confirmed.`,
  ]);
}

export function verifyLinkUnusablePage(productName: string): string {
  return messagePage(productName, 'This link can no longer be used', [
    'It is invalid, has expired or was already used: each confirmation link works once, for a limited time.',
    'If you have already confirmed your address, sign in. Otherwise, ask for a new confirmation email where you sign in.',
  ]);
}
