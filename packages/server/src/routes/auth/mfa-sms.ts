import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { normalizePhone, type AuthEngine } from '@gatehouse/core';
import { requireUser, signedInUser } from '../../plugins/auth-guard.js';
import { sendFailure } from '../respond.js';
import { factorFailures } from '../schemas.js';

/** API.md: `{ phone }` in E.164 (separators people type are tolerated; stored as E.164). */
const phone = z
  .string()
  .max(32)
  .refine(
    (value) => normalizePhone(value) !== null,
    'Expected a valid phone number in E.164 form, e.g. +12015550100',
  );
/** The answer to every send: the number it went to, masked (a phone number is personal data). */
export const smsCodeSent = z.object({ status: z.literal('code_sent'), phone: z.string() });
const failures = factorFailures;

/**
 * SMS codes as a second factor: enrolment (step-up) and a code for a signed-in user (step-up
 * and disable ask for one). The login challenge's code is POST /auth/mfa/challenge (mfa.ts).
 * Without an SMS transport each answers 403 `forbidden` with reason `sms_unavailable`.
 */
export async function mfaSmsRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const signedIn = requireUser(engine);
  const who = signedInUser;

  typed.post(
    '/mfa/sms/setup',
    {
      preHandler: signedIn,
      schema: {
        tags: ['mfa'],
        summary: 'Start SMS enrolment (step-up): a code is sent to the number',
        security: [{ bearer: [] }],
        body: z.object({ phone }).strict(),
        response: { 202: smsCodeSent, ...failures },
      },
    },
    async (request, reply) => {
      const result = await engine.mfa.setupSms(who(request), request.body.phone, request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return reply.code(202).send({ status: 'code_sent' as const, phone: result.phone });
    },
  );

  typed.post(
    '/mfa/sms/confirm',
    {
      preHandler: signedIn,
      schema: {
        tags: ['mfa'],
        summary:
          'Confirm SMS with the code sent at setup; backup codes (shown once) if it is the first factor',
        security: [{ bearer: [] }],
        body: z.object({ code: z.string().min(1).max(64) }).strict(),
        response: { 200: z.object({ backupCodes: z.array(z.string()) }), ...failures },
      },
    },
    async (request, reply) => {
      const result = await engine.mfa.confirmSms(who(request), request.body.code, request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return { backupCodes: result.backupCodes };
    },
  );

  typed.post(
    '/mfa/sms/send',
    {
      preHandler: signedIn,
      schema: {
        tags: ['mfa'],
        summary: 'Send a sign-in code to the enrolled number (for step-up or disabling SMS)',
        security: [{ bearer: [] }],
        response: { 202: smsCodeSent, ...failures },
      },
    },
    async (request, reply) => {
      const result = await engine.mfa.sendSmsCode(who(request), request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return reply.code(202).send({ status: 'code_sent' as const, phone: result.phone });
    },
  );
}
