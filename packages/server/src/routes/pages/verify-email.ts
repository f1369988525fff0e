import type { FastifyReply } from 'fastify';
import type { AuthEngine } from '@gatehouse/core';
import {
  FOREIGN_FORM,
  PASSWORDS_DIFFER,
  SERVICE_TROUBLE,
  tooManyAttempts,
  weakPasswordMessage,
  type PageError,
} from '../../pages/page-parts.js';
import {
  emailVerifiedPage,
  verifyEmailPage,
  verifyLinkUnusablePage,
  type VerifyEmailForm,
} from '../../pages/verify-email-page.js';
import {
  pageStatus,
  retryAfter,
  sendPage,
  type LinkPage,
  type LinkSubmission,
  type PageSettings,
} from './link-page.js';

/**
 * GET /verify-email?token=… shows the two forms; POST to the same address runs
 * POST /api/v1/auth/verify-email's engine call with `password` (the sign-up's) or
 * `newPassword`, whichever form was sent.
 */
export function verifyEmailLinkPage(engine: AuthEngine, settings: PageSettings): LinkPage {
  const { productName } = settings;
  const view = (errorIn?: VerifyEmailForm, error?: PageError) =>
    verifyEmailPage({ ...settings, errorIn, error });
  const form = (reply: FastifyReply, status: number, errorIn?: VerifyEmailForm, error?: PageError) =>
    sendPage(reply, status, view(errorIn, error));

  async function submit({ token, ctx, fields }: LinkSubmission, reply: FastifyReply): Promise<FastifyReply> {
    const chosen = chosenForm(fields);
    let input: { token: string; password?: string; newPassword?: string };
    if (chosen === 'new_password') {
      const newPassword = fields.get('newPassword') ?? '';
      if (!newPassword) {
        return form(reply, 400, chosen, { message: 'Enter a new password.', field: 'new-password' });
      }
      if (newPassword !== fields.get('newPasswordAgain')) {
        return form(reply, 400, chosen, { message: PASSWORDS_DIFFER, field: 'new-password-again' });
      }
      input = { token, newPassword };
    } else {
      const password = fields.get('password') ?? '';
      if (!password) return form(reply, 400, chosen, { message: ENTER_SIGNUP, field: 'signup-password' });
      input = { token, password };
    }

    const result = await engine.account.verifyEmail(input, ctx);
    if (result.ok) {
      // The contract is widening to `{ user, passwordSet }`; a verification without one is rare.
      const passwordSet = (result as { passwordSet?: boolean }).passwordSet !== false;
      return sendPage(reply, 200, emailVerifiedPage(productName, passwordSet));
    }
    const status = pageStatus(result);
    retryAfter(reply, result);
    switch (result.code) {
      case 'invalid_or_expired_token':
        return sendPage(reply, 400, verifyLinkUnusablePage(productName));
      case 'signup_password_mismatch':
        return form(reply, status, 'signup_password', { message: MISMATCH, field: 'signup-password' });
      case 'password_required':
        return form(reply, status, 'signup_password', { message: ENTER_SIGNUP, field: 'signup-password' });
      case 'weak_password':
        return form(reply, status, 'new_password', {
          message: `${weakPasswordMessage(result.reason, settings.rules)} Type the new one in both fields.`,
          field: 'new-password',
        });
      case 'rate_limited':
        return form(reply, status, chosen, { message: tooManyAttempts(result.retryAfterSeconds) });
      default:
        return form(reply, status, chosen, { message: SERVICE_TROUBLE });
    }
  }

  return {
    path: '/verify-email',
    summaries: {
      get: 'The page a verification mail links to (HTML forms)',
      post: "The verification page's forms: the sign-up's password, or a new one (twice)",
    },
    form: () => view(),
    foreignForm: (fields) => view(chosenForm(fields), { message: FOREIGN_FORM }),
    unusable: () => verifyLinkUnusablePage(productName),
    submit,
  };
}

/** Which of the two forms was sent (each names itself in a hidden `action`). */
function chosenForm(fields: URLSearchParams): VerifyEmailForm {
  return fields.get('action') === 'new_password' ? 'new_password' : 'signup_password';
}

const ENTER_SIGNUP = 'Enter the password you chose when you signed up.';
const MISMATCH =
  'That is not the password chosen when this address signed up. Try again, or choose a new password below.';
