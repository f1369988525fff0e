/**
 * The messages that carry a one-time secret (a link or a code): email verification,
 * password reset, magic links, email-change confirmation and SMS codes.
 */
import { facts, paragraph, type Template } from './message-content.js';
import { emailChanged } from './notice-templates.js';
import { formatTime } from './template-vars.js';
import { accountOf, DO_NOT_SHARE, expiry, linkBlocks, secretBlocks, smsSecret } from './template-wording.js';

export const secretTemplates = {
  verify_email: (v, product) => ({
    subject: `Verify your email for ${product}`,
    heading: 'Verify your email address',
    blocks: [
      paragraph(`Confirm that ${v.or('email', 'this')} is your email address for ${product}.`),
      ...facts([
        ['Signed up', formatTime(v.get('signupAt'))],
        ['From IP address', v.get('signupIp')],
      ]),
      ...secretBlocks(v, 'Verify email', 'verificationId', 'Verification ID'),
      paragraph(
        'To finish, enter the password you chose when you signed up, or choose a new one. ' +
          `If you did not sign up for ${product}, ignore this email: nothing happens without it.`,
      ),
    ],
    sms: smsSecret(v, product, 'verification'),
  }),

  password_reset: (v, product) => ({
    subject: `Reset your ${product} password`,
    heading: 'Reset your password',
    blocks: [
      paragraph(`Someone asked to reset the password of ${accountOf(v, product)}.`),
      ...secretBlocks(v, 'Choose a new password', 'resetId', 'Reset ID'),
      paragraph('If this wasn’t you, ignore this email: your password stays as it is.'),
    ],
    sms: `${smsSecret(v, product, 'password reset')} Not you? Ignore this message.`,
  }),

  magic_link: (v, product) => ({
    subject: `Sign in to ${product}`,
    heading: `Sign in to ${product}`,
    blocks: [
      paragraph(`Use the link below to sign in to ${accountOf(v, product)}.`),
      ...linkBlocks(v, 'url', 'Sign in'),
      paragraph(`This link works once.${expiry(v)}`),
      paragraph('If you didn’t ask to sign in, ignore this email: nobody can sign in without the link.'),
    ],
    sms: `${smsSecret(v, product, 'sign-in link')} Not you? Ignore this message.`,
  }),

  // With `notice: 'changed'`: the old address is told the change happened (no code).
  email_change: (v, product) =>
    v.get('notice') === 'changed'
      ? emailChanged(v, product)
      : {
          subject: `Confirm your new email for ${product}`,
          heading: 'Confirm your email change',
          blocks: [
            paragraph(
              `Someone asked to change the email address of ${accountOf(v, product)} ` +
                `to ${v.or('newEmail', 'a new address')}. Enter the code below to confirm the change.`,
            ),
            ...secretBlocks(v, 'Confirm', 'emailChangeId', 'Request ID'),
            paragraph(
              'If this wasn’t you, ignore this email: the address stays as it is. ' +
                'Consider changing your password, since the request came from a signed-in session.',
            ),
          ],
          sms: `${smsSecret(v, product, 'email change')} Not you? Change your password.`,
        },

  sms_code: (v, product) => ({
    subject: `Your ${product} code`,
    heading: `Your ${product} code`,
    blocks: [...facts([['Code', v.get('code')]]), paragraph(`${expiry(v).trim()} ${DO_NOT_SHARE}`.trim())],
    sms: `${v.or('code', '')} is your ${product} code.${expiry(v)} Do not share it.`.trim(),
  }),
} satisfies Record<string, Template>;
