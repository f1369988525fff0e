import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthEngine } from '@gatehouse/core';
import { optionalSignedInUser, requireUser, signedInUser } from '../../plugins/auth-guard.js';
import { sendFailure } from '../respond.js';
import {
  factorFailures,
  mfaRequiredSchema,
  noContent,
  passwordSchema,
  problemSchema,
  tokenPairSchema,
} from '../schemas.js';
import { smsCodeSent } from './mfa-sms.js';
import { assertionSchema, requestOptionsSchema } from './webauthn.js';
import { sendSignIn } from '../sign-in-answer.js';

const code = z.string().min(1).max(64);
const method = z.enum(['totp', 'backup_code', 'sms']);
const factorProof = z.object({ method, code }).strict();
const backupCodes = z.object({ backupCodes: z.array(z.string()) });
/** Methods of POST /mfa/challenge (API.md: `sms` sends a code; `webauthn` gives request options). */
const challengeMethod = z.enum(['sms', 'webauthn']);
const challengeIdSchema = z.string().max(64);
const failures = factorFailures;

/** The second-factor routes: login challenge verification, step-up, TOTP and backup codes. */
export async function mfaRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const signedIn = requireUser(engine);
  const who = signedInUser;

  typed.post(
    '/mfa/verify',
    {
      schema: {
        tags: ['mfa'],
        summary:
          'Finish a sign-in or step-up challenge with a second factor (a step-up challenge with the bearer of its session)',
        body: z.union([
          z.object({ challengeId: challengeIdSchema, method, code }).strict(),
          // After a passkey without user verification, the password is the second factor.
          z
            .object({
              challengeId: challengeIdSchema,
              method: z.literal('password'),
              password: passwordSchema,
            })
            .strict(),
          z
            .object({
              challengeId: challengeIdSchema,
              method: z.literal('webauthn'),
              credential: assertionSchema,
            })
            .strict(),
        ]),
        // 423: the password of a challenge is checked under the login throttles.
        response: { 200: tokenPairSchema, ...failures, 423: problemSchema },
      },
    },
    async (request, reply) => {
      const caller = await optionalSignedInUser(engine, request);
      const result = await engine.signIn.verifyMfa(request.body, request.context(), caller);
      return sendSignIn(request, reply, result);
    },
  );

  typed.post(
    '/mfa/challenge',
    {
      schema: {
        tags: ['mfa'],
        summary:
          'Prepare a second factor for a login challenge: sms sends a code (202), webauthn gives options (200)',
        body: z.object({ challengeId: z.string().max(64), method: challengeMethod }).strict(),
        response: { 200: requestOptionsSchema, 202: smsCodeSent, ...failures },
      },
    },
    async (request, reply) => {
      const { challengeId } = request.body;
      // One branch per method that needs a server step before /mfa/verify.
      switch (request.body.method) {
        case 'sms': {
          const result = await engine.mfa.sendSmsChallengeCode(challengeId, request.context());
          if (!result.ok) return sendFailure(request, reply, result);
          return reply.code(202).send({ status: 'code_sent' as const, phone: result.phone });
        }
        case 'webauthn': {
          const result = await engine.passkeys.factorOptions(challengeId, request.context());
          if (!result.ok) return sendFailure(request, reply, result);
          return reply.code(200).send(result.options);
        }
      }
    },
  );

  typed.post(
    '/step-up',
    {
      preHandler: signedIn,
      schema: {
        tags: ['mfa'],
        summary:
          'Prove the factors again: same session, fresh auth_time, rotated refresh token; or a challenge for the second factor',
        security: [{ bearer: [] }],
        body: z.union([
          z.object({ password: passwordSchema, mfa: factorProof.optional() }).strict(),
          // A passkey (options from /auth/webauthn/authenticate/options); the password too
          // when the passkey cannot verify the user.
          z.object({ credential: assertionSchema, password: passwordSchema.optional() }).strict(),
        ]),
        response: { 200: z.union([tokenPairSchema, mfaRequiredSchema]), ...failures, 423: problemSchema },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const result =
        'credential' in body
          ? await engine.passkeys.stepUp(who(request), body, request.context())
          : await engine.signIn.stepUp(who(request), body, request.context());
      return sendSignIn(request, reply, result);
    },
  );

  typed.post(
    '/mfa/totp/setup',
    {
      preHandler: signedIn,
      schema: {
        tags: ['mfa'],
        summary: 'Start TOTP enrolment (step-up): secret, otpauth URL and QR code',
        security: [{ bearer: [] }],
        response: {
          200: z.object({ secret: z.string(), otpauthUrl: z.string(), qrSvg: z.string() }),
          ...failures,
        },
      },
    },
    async (request, reply) => {
      const result = await engine.mfa.setupTotp(who(request), request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return { secret: result.secret, otpauthUrl: result.otpauthUrl, qrSvg: result.qrSvg };
    },
  );

  typed.post(
    '/mfa/totp/confirm',
    {
      preHandler: signedIn,
      schema: {
        tags: ['mfa'],
        summary: 'Confirm TOTP with a first code; returns backup codes (shown once)',
        security: [{ bearer: [] }],
        body: z.object({ code }).strict(),
        response: { 200: backupCodes, ...failures },
      },
    },
    async (request, reply) => {
      const result = await engine.mfa.confirmTotp(who(request), request.body.code, request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return { backupCodes: result.backupCodes };
    },
  );

  typed.post(
    '/mfa/disable',
    {
      preHandler: signedIn,
      schema: {
        tags: ['mfa'],
        summary: 'Turn a factor off (step-up and one of its codes); the last one takes the backup codes',
        security: [{ bearer: [] }],
        body: factorProof,
        response: { 204: noContent, ...failures },
      },
    },
    async (request, reply) => {
      const result = await engine.mfa.disableFactor(who(request), request.body, request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return reply.code(204).send(null);
    },
  );

  typed.post(
    '/mfa/backup-codes',
    {
      preHandler: signedIn,
      schema: {
        tags: ['mfa'],
        summary: 'New backup codes (step-up and a TOTP code); the old set stops working',
        security: [{ bearer: [] }],
        body: z.object({ code }).strict(),
        response: { 200: backupCodes, ...failures },
      },
    },
    async (request, reply) => {
      const result = await engine.mfa.regenerateBackupCodes(
        who(request),
        request.body.code,
        request.context(),
      );
      if (!result.ok) return sendFailure(request, reply, result);
      return { backupCodes: result.backupCodes };
    },
  );
}
