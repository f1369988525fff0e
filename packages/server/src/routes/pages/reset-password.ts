import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  FOREIGN_FORM,
  incompleteLinkPage,
  passwordResetDonePage,
  PASSWORDS_DIFFER,
  resetLinkUnusablePage,
  resetPasswordPage,
  SECOND_FACTOR_METHODS,
  SERVICE_TROUBLE,
  tooManyAttempts,
  weakPasswordMessage,
  type AuthEngine,
  type Failure,
  type PageError,
  type SecondFactorMethod,
} from '@gatehouse/core';
import { contextForCode } from '../auth/one-time-codes.js';
import {
  formOf,
  linkToken,
  pageSettings,
  pageStatus,
  retryAfter,
  sendPage,
  sentFromElsewhere,
} from './page-scope.js';

const SMS_SENT = 'We sent a code by text message to the phone number of your account. Enter it below.';

/**
 * GET /reset-password?token=… shows the form (and consumes nothing: mail scanners open
 * links); POST to the same address runs POST /api/v1/auth/password/reset's engine call,
 * or, for the "Text me a code" button, /auth/password/reset/sms-code's.
 */
export async function resetPasswordPageRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const settings = pageSettings(engine);
  const { productName } = settings;
  const form = (
    reply: FastifyReply,
    status: number,
    secondFactor?: SecondFactorMethod,
    error?: PageError,
    notice?: string,
  ) => sendPage(reply, status, resetPasswordPage({ ...settings, secondFactor, error, notice }));
  const schema = {
    tags: ['pages'],
    querystring: z.object({ token: z.string().optional() }),
    produces: ['text/html'],
  };

  typed.get(
    '/reset-password',
    { schema: { ...schema, summary: 'The page a password-reset mail links to (HTML form)' } },
    async (request, reply) => {
      if (!linkToken(request)) return sendPage(reply, 400, incompleteLinkPage(productName));
      return form(reply, 200);
    },
  );

  typed.post(
    '/reset-password',
    {
      schema: {
        ...schema,
        summary: 'The reset page form: new password (twice) and, when needed, a second-factor code',
        consumes: ['application/x-www-form-urlencoded'],
      },
    },
    async (request, reply) => {
      const token = linkToken(request);
      if (!token) return sendPage(reply, 400, incompleteLinkPage(productName));
      if (sentFromElsewhere(request)) return form(reply, 403, undefined, { message: FOREIGN_FORM });
      const ctx = contextForCode(request, { token });
      if (!ctx) return sendPage(reply, 400, resetLinkUnusablePage(productName));
      const fields = formOf(request);

      if (fields.get('action') === 'send_sms') {
        const sent = await engine.sendResetSmsCode({ token }, ctx);
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
        return form(reply, 400, method, {
          message: 'Enter the code from your second factor.',
          field: 'code',
        });
      }
      const mfa = method ? { method, code } : undefined;
      const result = await engine.resetPassword({ token, password, mfa }, ctx);
      if (result.ok) return sendPage(reply, 200, passwordResetDonePage(productName));
      return answerFailure(reply, result, method);
    },
  );

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
