import type { FastifyReply } from 'fastify';
import type { AuthEngine, Failure } from '@gatehouse/core';
import {
  FOREIGN_FORM,
  PASSWORDS_DIFFER,
  SERVICE_TROUBLE,
  tooManyAttempts,
  weakPasswordMessage,
  type PageError,
} from '../../pages/page-parts.js';
import {
  passwordResetDonePage,
  resetLinkUnusablePage,
  resetPasswordPage,
  SECOND_FACTOR_METHODS,
  type SecondFactorMethod,
} from '../../pages/reset-password-page.js';
import {
  pageStatus,
  retryAfter,
  sendPage,
  type LinkPage,
  type LinkSubmission,
  type PageSettings,
} from './link-page.js';

const SMS_SENT = 'We sent a code by text message to the phone number of your account. Enter it below.';

/**
 * GET /reset-password?token=… shows the form; POST to the same address runs
 * POST /api/v1/auth/password/reset's engine call, or, for the "Text me a code" button,
 * /auth/password/reset/sms-code's.
 */
export function resetPasswordLinkPage(engine: AuthEngine, settings: PageSettings): LinkPage {
  const { productName } = settings;
  const view = (secondFactor?: SecondFactorMethod, error?: PageError, notice?: string) =>
    resetPasswordPage({ ...settings, secondFactor, error, notice });
  const form = (reply: FastifyReply, status: number, ...args: Parameters<typeof view>) =>
    sendPage(reply, status, view(...args));

  async function submit({ token, ctx, fields }: LinkSubmission, reply: FastifyReply): Promise<FastifyReply> {
    if (fields.get('action') === 'send_sms') {
      const sent = await engine.account.sendResetSmsCode({ token }, ctx);
      if (sent.ok) return form(reply, 200, 'sms', undefined, SMS_SENT);
      return answerFailure(reply, sent, 'sms');
    }

    const method = methodOf(fields.get('method'));
    const code = fields.get('code')?.trim() ?? '';
    const password = fields.get('password') ?? '';
    if (!password) return form(reply, 400, method, { message: 'Enter a new password.', field: 'password' });
    if (password !== fields.get('passwordAgain')) {
      return form(reply, 400, method, { message: PASSWORDS_DIFFER, field: 'password-again' });
    }
    if (method && !code) {
      return form(reply, 400, method, { message: 'Enter the code from your second factor.', field: 'code' });
    }
    const mfa = method ? { method, code } : undefined;
    const result = await engine.account.resetPassword({ token, password, mfa }, ctx);
    if (result.ok) return sendPage(reply, 200, passwordResetDonePage(productName));
    return answerFailure(reply, result, method);
  }

  function answerFailure(reply: FastifyReply, failure: Failure, method?: SecondFactorMethod): FastifyReply {
    const status = pageStatus(failure);
    retryAfter(reply, failure);
    switch (failure.code) {
      case 'invalid_or_expired_token':
        return sendPage(reply, 400, resetLinkUnusablePage(productName));
      case 'weak_password':
        return form(reply, status, method, {
          message: `${weakPasswordMessage(failure.reason, settings.rules)} Type the new one in both fields.`,
          field: 'password',
        });
      case 'invalid_code':
      case 'invalid_second_factor':
        if (failure.reason === 'mfa_required') {
          return form(reply, status, 'totp', { message: MFA_NEEDED, field: 'code' });
        }
        return form(reply, status, method ?? 'totp', { message: WRONG_CODE, field: 'code' });
      case 'not_found':
        return form(reply, status, 'totp', { message: NO_SMS_FACTOR, field: 'code' });
      case 'forbidden':
        return form(reply, status, 'totp', { message: SMS_UNAVAILABLE, field: 'code' });
      case 'rate_limited':
      case 'account_locked':
        return form(reply, status, method, { message: tooManyAttempts(failure.retryAfterSeconds) });
      default:
        return form(reply, status, method, { message: SERVICE_TROUBLE });
    }
  }

  return {
    path: '/reset-password',
    summaries: {
      get: 'The page a password-reset mail links to (HTML form)',
      post: 'The reset page form: new password (twice) and, when needed, a second-factor code',
    },
    form: () => view(),
    foreignForm: () => view(undefined, { message: FOREIGN_FORM }),
    unusable: () => resetLinkUnusablePage(productName),
    submit,
  };
}

function methodOf(value: string | null): SecondFactorMethod | undefined {
  return SECOND_FACTOR_METHODS.find((method) => method === value);
}

const MFA_NEEDED =
  'Your account uses two-step verification: enter a code from your second factor, and type the new password in both fields again.';
const WRONG_CODE =
  'That code did not work. Check where it comes from and enter a current one (an authenticator app shows a new code every 30 seconds), and type the new password in both fields again.';
const NO_SMS_FACTOR =
  'Your account does not get codes by text message: use your authenticator app or a backup code.';
const SMS_UNAVAILABLE =
  'Codes by text message are not available here: use your authenticator app or a backup code.';
