import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  FOREIGN_FORM,
  emailVerifiedPage,
  incompleteLinkPage,
  PASSWORDS_DIFFER,
  SERVICE_TROUBLE,
  tooManyAttempts,
  verifyEmailPage,
  verifyLinkUnusablePage,
  weakPasswordMessage,
  type AuthEngine,
  type PageError,
  type VerifyEmailForm,
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

/**
 * GET /verify-email?token=… shows the two forms (and consumes nothing: mail scanners open
 * links); POST to the same address runs POST /api/v1/auth/verify-email's engine call with
 * `password` (the sign-up's) or `newPassword`, whichever form was sent.
 */
export async function verifyEmailPageRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const settings = pageSettings(engine);
  const { productName } = settings;
  const form = (reply: FastifyReply, status: number, errorIn?: VerifyEmailForm, error?: PageError) =>
    sendPage(reply, status, verifyEmailPage({ ...settings, errorIn, error }));
  const schema = {
    tags: ['pages'],
    querystring: z.object({ token: z.string().optional() }),
    produces: ['text/html'],
  };

  typed.get(
    '/verify-email',
    { schema: { ...schema, summary: 'The page a verification mail links to (HTML forms)' } },
    async (request, reply) => {
      if (!linkToken(request)) return sendPage(reply, 400, incompleteLinkPage(productName));
      return form(reply, 200);
    },
  );

  typed.post(
    '/verify-email',
    {
      schema: {
        ...schema,
        summary: "The verification page's forms: the sign-up's password, or a new one (twice)",
        consumes: ['application/x-www-form-urlencoded'],
      },
    },
    async (request, reply) => {
      const token = linkToken(request);
      if (!token) return sendPage(reply, 400, incompleteLinkPage(productName));
      const fields = formOf(request);
      const chosen: VerifyEmailForm =
        fields.get('action') === 'new_password' ? 'new_password' : 'signup_password';
      if (sentFromElsewhere(request)) return form(reply, 403, chosen, { message: FOREIGN_FORM });
      const ctx = contextForCode(request, { token });
      if (!ctx) return sendPage(reply, 400, verifyLinkUnusablePage(productName));

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

      const result = await engine.verifyEmail(input, ctx);
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
    },
  );
}

const ENTER_SIGNUP = 'Enter the password you chose when you signed up.';
const MISMATCH =
  'That is not the password chosen when this address signed up. Try again, or choose a new password below.';
