/**
 * The Fastify plugin: `app.register(gatehouse, { issuer })` gives the app a verifier and
 * three preHandlers that set `request.gatehouseAuth` (the token's verified claims) or answer
 * with Gatehouse's own problem documents. Nothing is verified on routes that use none of them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import {
  RemoteVerifier,
  accessProblemHeaders,
  authenticateBearer,
  roleProblem,
  stepUpProblem,
  type AccessProblem,
  type AccessTokenClaims,
  type RemoteVerifierOptions,
} from '@gatehouse/core';

/** API.md "Step-up": factor and identity changes need a sign-in within 5 minutes. */
const DEFAULT_STEP_UP_SECONDS = 300;

export type GatehouseFastifyOptions = RemoteVerifierOptions;

export interface GatehouseFastify {
  verifier: RemoteVerifier;
  /** 401 without a valid access token; sets `request.gatehouseAuth`. */
  requireAuth: preHandlerAsyncHookHandler;
  /** requireAuth, then 403 `forbidden` unless the token holds `role`. */
  requireRole(role: string): preHandlerAsyncHookHandler;
  /** requireAuth, then 403 `step_up_required` unless the sign-in is at most `maxAgeSeconds` old. */
  requireStepUp(maxAgeSeconds?: number): preHandlerAsyncHookHandler;
}

declare module 'fastify' {
  interface FastifyInstance {
    gatehouse: GatehouseFastify;
  }
  interface FastifyRequest {
    /** The verified access-token claims, once a Gatehouse preHandler ran; null before. */
    gatehouseAuth: AccessTokenClaims | null;
  }
}

function sendProblem(reply: FastifyReply, problem: AccessProblem): FastifyReply {
  return reply.code(problem.status).headers(accessProblemHeaders(problem)).send(problem);
}

/** The claims of the request, verifying its bearer once; undefined when a problem was sent. */
async function claimsOf(
  verifier: RemoteVerifier,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<AccessTokenClaims | undefined> {
  if (request.gatehouseAuth) return request.gatehouseAuth;
  const result = await authenticateBearer(verifier, request.headers.authorization, request.id);
  if (!result.ok) {
    sendProblem(reply, result.problem);
    return undefined;
  }
  request.gatehouseAuth = result.claims;
  return result.claims;
}

/** A preHandler that authenticates, then refuses when `refusal` finds a problem with the claims. */
function guard(
  verifier: RemoteVerifier,
  refusal: (claims: AccessTokenClaims, request: FastifyRequest) => AccessProblem | undefined,
): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    const claims = await claimsOf(verifier, request, reply);
    if (!claims) return reply;
    const problem = refusal(claims, request);
    if (problem) return sendProblem(reply, problem);
  };
}

async function gatehousePlugin(app: FastifyInstance, options: GatehouseFastifyOptions): Promise<void> {
  const verifier = new RemoteVerifier(options);
  app.decorateRequest('gatehouseAuth', null);
  app.decorate('gatehouse', {
    verifier,
    requireAuth: guard(verifier, () => undefined),
    requireRole: (role: string) =>
      guard(verifier, (claims, request) => roleProblem(claims, role, request.id)),
    requireStepUp: (maxAgeSeconds = DEFAULT_STEP_UP_SECONDS) =>
      guard(verifier, (claims, request) => stepUpProblem(claims, maxAgeSeconds, verifier.now(), request.id)),
  } satisfies GatehouseFastify);
}

/** Registered without encapsulation, so `app.gatehouse` is visible to the routes of the app that registered it. */
export const gatehouse = fp(gatehousePlugin, { fastify: '5.x', name: '@gatehouse/fastify' });
