/**
 * The notices: messages that tell the account holder something happened (a sign-up attempt
 * on their address, a password, two-factor or email change, a new sign-in), so someone
 * else acting on their account does not go unnoticed.
 */
import { facts, paragraph, type Content, type Template } from './message-content.js';
import { formatTime, truncate, type TemplateVars } from './template-vars.js';
import { accountOf, linkBlocks } from './template-wording.js';

export const noticeTemplates = {
  account_exists: (v, product) => ({
    subject: `You already have a ${product} account`,
    heading: 'You already have an account',
    blocks: [
      paragraph(
        `Someone tried to create a ${product} account with ${v.or('email', 'your address')}, ` +
          'but this address already has one.',
      ),
      paragraph('If it was you, sign in instead, or reset your password if you forgot it.'),
      ...linkBlocks(v, 'loginUrl', 'Sign in'),
      ...linkBlocks(v, 'resetUrl', 'Reset password'),
      paragraph('If it wasn’t you, ignore this email: your account has not changed.'),
    ],
    sms: `Someone tried to sign up for ${product} with your address, which already has an account. Not you? Ignore this message.`,
  }),

  password_changed: (v, product) => ({
    subject: `Your ${product} password was changed`,
    heading: 'Your password was changed',
    blocks: [
      paragraph(`The password of ${accountOf(v, product)} was changed.`),
      ...facts([
        ['Time', formatTime(v.get('time'))],
        ['IP address', v.get('ip')],
      ]),
      paragraph(
        'If this wasn’t you, reset your password now with “Forgot password” on the sign-in page, ' +
          'and check your account’s sign-in methods.',
      ),
    ],
    sms: `Your ${product} password was changed. Not you? Reset it now with "Forgot password".`,
  }),

  new_signin: (v, product) => ({
    subject: `New sign-in to your ${product} account`,
    heading: 'New sign-in to your account',
    blocks: [
      paragraph(`Someone just signed in to ${accountOf(v, product)}.`),
      ...facts([
        ['Time', formatTime(v.get('time'))],
        ['IP address', v.get('ip')],
        ['Device', mapDefined(v.get('userAgent'), describeUserAgent)],
      ]),
      paragraph('If this was you, there is nothing to do.'),
      paragraph('If it wasn’t you, change your password now and sign out of your other sessions.'),
    ],
    sms: `New sign-in to your ${product} account. Not you? Change your password now.`,
  }),

  mfa_changed: (v, product) => ({
    subject: `Two-factor settings changed on your ${product} account`,
    heading: 'Your two-factor settings changed',
    blocks: [
      paragraph(`The two-factor authentication settings of ${accountOf(v, product)} changed.`),
      ...facts([
        ['Change', v.get('change')],
        ['Time', formatTime(v.get('time'))],
      ]),
      paragraph(
        'If this wasn’t you, reset your password now and review your two-factor settings: ' +
          'someone may have access to your account.',
      ),
    ],
    sms: `Two-factor settings changed on your ${product} account. Not you? Reset your password now.`,
  }),
} satisfies Record<string, Template>;

/** The notice to the old address once an email change is confirmed (template `email_change`). */
export function emailChanged(v: TemplateVars, product: string): Content {
  return {
    subject: `Your ${product} email address was changed`,
    heading: 'Your email address was changed',
    blocks: [
      paragraph(
        `The email address of ${accountOf(v, product)} was changed to ${v.or('newEmail', 'a new address')}. ` +
          'This address no longer signs in to it or receives its messages.',
      ),
      ...facts([
        ['Time', formatTime(v.get('time'))],
        ['IP address', v.get('ip')],
      ]),
      paragraph('If this wasn’t you, contact support at once: someone may have taken over your account.'),
    ],
    sms: `The email address of your ${product} account was changed. Not you? Contact support at once.`,
  };
}

/**
 * The user agent is whatever the signing-in client sent: cut short and with URL schemes
 * removed, so an attacker cannot plant a clickable "secure your account" link in the notice.
 */
function describeUserAgent(agent: string): string {
  return truncate(agent.replace(/[a-z][a-z0-9+.-]*:\/\//gi, ''), 160);
}

function mapDefined<T, R>(value: T | undefined, map: (value: T) => R): R | undefined {
  return value === undefined ? undefined : map(value);
}
