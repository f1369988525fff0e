import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DEFAULT_TENANT, tenantOfToken, type CodeInput, type RequestContext } from '@gatehouse/core';
import { emailSchema } from '../schemas.js';

/** Link tokens and codes are bounded here; whether one is ours is the engine's call. */
const token = z.string().min(1).max(512);
const code = z.string().min(1).max(32);

/** API.md's three submission shapes; `idKey` is `verificationId` or `resetId`. */
export function codeInputSchemas<K extends string>(idKey: K) {
  return [
    z.object({ token }).strict(),
    z.object({ email: emailSchema, code }).strict(),
    z
      .object({ [idKey]: z.string().max(64), code } as Record<K, z.ZodString> & { code: z.ZodString })
      .strict(),
  ] as const;
}

/** The engine's view of a submission (the id field renamed to `id`). */
export function toCodeInput(body: Record<string, unknown>, idKey: string): CodeInput {
  if (typeof body.token === 'string') return { token: body.token };
  if (typeof body.email === 'string') return { email: body.email, code: String(body.code) };
  return { id: String(body[idKey]), code: String(body.code) };
}

/**
 * A link token carries its tenant (API.md: emailed links carry their tenant themselves), so
 * it needs no x-tenant-id; codes need the request's tenant. Null: the token names another
 * tenant than x-tenant-id, answered like any unusable token.
 */
export function contextForCode(request: FastifyRequest, input: CodeInput): RequestContext | null {
  if ('token' in input) return request.contextFor(tenantOfToken(input.token) ?? DEFAULT_TENANT);
  return request.context();
}
