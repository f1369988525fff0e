import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthEngine } from '@gatehouse/core';
import { requireUser, signedInUser } from '../../plugins/auth-guard.js';
import { sendFailure } from '../respond.js';
import { mfaRequiredSchema, noContent, problemSchema, tokenPairSchema, factorFailures } from '../schemas.js';
import { sendSignIn } from '../sign-in-answer.js';

/**
 * Standard WebAuthn JSON (as `@simplewebauthn/browser` and `PublicKeyCredential.toJSON()`
 * produce it). Objects are not strict: browsers add fields (clientExtensionResults, new
 * ones over time) that verification does not read; they are dropped here.
 */
const base64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding');
// WebAuthn caps a credential id at 1023 bytes (1364 base64url characters).
const credentialId = base64url(1364);
const attachment = z.enum(['platform', 'cross-platform']).nullish();

export const attestationSchema = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(8192),
    attestationObject: base64url(32_768),
    transports: z.array(z.string().max(32)).max(16).optional(),
  }),
  authenticatorAttachment: attachment,
});

export const assertionSchema = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(8192),
    authenticatorData: base64url(8192),
    signature: base64url(2048),
    userHandle: base64url(128).nullish(),
  }),
  authenticatorAttachment: attachment,
});

const descriptorSchema = z.object({
  id: z.string(),
  type: z.string(),
  transports: z.array(z.string()).optional(),
});

export const requestOptionsSchema = z
  .object({
    challenge: z.string(),
    timeout: z.number().optional(),
    rpId: z.string().optional(),
    allowCredentials: z.array(descriptorSchema).optional(),
    userVerification: z.enum(['required', 'preferred', 'discouraged']).optional(),
  })
  .describe('PublicKeyCredentialRequestOptionsJSON');

const creationOptionsSchema = z
  .object({
    rp: z.object({ name: z.string(), id: z.string().optional() }),
    user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
    challenge: z.string(),
    pubKeyCredParams: z.array(z.object({ alg: z.number(), type: z.string() })),
    timeout: z.number().optional(),
    excludeCredentials: z.array(descriptorSchema).optional(),
    authenticatorSelection: z
      .object({
        authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
        residentKey: z.enum(['required', 'preferred', 'discouraged']).optional(),
        requireResidentKey: z.boolean().optional(),
        userVerification: z.enum(['required', 'preferred', 'discouraged']).optional(),
      })
      .optional(),
    hints: z.array(z.string()).optional(),
    attestation: z.enum(['none', 'indirect', 'direct', 'enterprise']).optional(),
    extensions: z.object({ credProps: z.boolean().optional() }).optional(),
  })
  .describe('PublicKeyCredentialCreationOptionsJSON');

// PostgreSQL text cannot hold NUL: refuse it here rather than fail the insert.
const passkeyName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((name) => !name.includes('\u0000'), 'must not contain NUL characters');

const passkeySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  deviceType: z.string(),
  backedUp: z.boolean(),
  transports: z.array(z.string()),
});

const failures = factorFailures;

/** API.md "MFA, passkeys": passkey registration, sign-in, listing and removal. */
export async function webauthnRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const signedIn = requireUser(engine);
  const who = signedInUser;

  typed.post(
    '/webauthn/register/options',
    {
      preHandler: signedIn,
      schema: {
        tags: ['passkeys'],
        summary: 'Creation options for a new passkey (step-up)',
        security: [{ bearer: [] }],
        response: { 200: creationOptionsSchema, ...failures },
      },
    },
    async (request, reply) => {
      const result = await engine.passkeys.registrationOptions(who(request), request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return result.options;
    },
  );

  typed.post(
    '/webauthn/register/verify',
    {
      preHandler: signedIn,
      schema: {
        tags: ['passkeys'],
        summary: 'Store a new passkey from its RegistrationResponseJSON (+ optional name; step-up)',
        security: [{ bearer: [] }],
        body: attestationSchema.extend({ name: passkeyName.optional() }),
        response: { 201: z.object({ credential: passkeySchema }), ...failures },
      },
    },
    async (request, reply) => {
      const { name, ...response } = request.body;
      const result = await engine.passkeys.register(who(request), { response, name }, request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return reply.code(201).send({ credential: result.passkey });
    },
  );

  typed.post(
    '/webauthn/authenticate/options',
    {
      schema: {
        tags: ['passkeys'],
        summary: "Request options: an email's passkeys, or none for a username-less (discoverable) login",
        body: z
          .object({ email: z.string().trim().min(1).max(320).optional() })
          .strict()
          // No body at all arrives as null.
          .nullish(),
        response: { 200: requestOptionsSchema, 400: problemSchema },
      },
    },
    async (request) => engine.passkeys.signInOptions({ email: request.body?.email }, request.context()),
  );

  typed.post(
    '/webauthn/authenticate/verify',
    {
      schema: {
        tags: ['passkeys'],
        summary: 'Sign in with a passkey assertion (AuthenticationResponseJSON)',
        body: assertionSchema,
        response: {
          200: z.union([tokenPairSchema, mfaRequiredSchema]),
          400: problemSchema,
          401: problemSchema,
          403: problemSchema,
          423: problemSchema,
          429: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const result = await engine.passkeys.signIn(request.body, request.context());
      return sendSignIn(request, reply, result);
    },
  );

  typed.get(
    '/webauthn/credentials',
    {
      preHandler: signedIn,
      schema: {
        tags: ['passkeys'],
        summary: "The caller's passkeys",
        security: [{ bearer: [] }],
        response: { 200: z.object({ credentials: z.array(passkeySchema) }), 401: problemSchema },
      },
    },
    async (request) => ({ credentials: await engine.passkeys.list(who(request), request.context()) }),
  );

  typed.delete(
    '/webauthn/credentials/:id',
    {
      preHandler: signedIn,
      schema: {
        tags: ['passkeys'],
        summary: 'Remove a passkey (step-up); 404 for one that is not the caller’s',
        security: [{ bearer: [] }],
        params: z.object({ id: z.string().max(64) }),
        response: { 204: noContent, ...failures },
      },
    },
    async (request, reply) => {
      const result = await engine.passkeys.remove(who(request), request.params.id, request.context());
      if (!result.ok) return sendFailure(request, reply, result);
      return reply.code(204).send(null);
    },
  );
}
