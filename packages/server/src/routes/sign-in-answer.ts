import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MfaRequired, Outcome, TokenPair } from '@gatehouse/core';
import { sendFailure } from './respond.js';

/** What a sign-in, refresh, step-up or second-factor flow answers. */
export type SignInAnswer = Outcome<{ tokens: TokenPair } | { mfa: MfaRequired }>;

/**
 * The one way tokens leave the server: every route whose flow ends in tokens or in an MFA
 * challenge answers through here (a failure as its problem document, a challenge as API.md's
 * `mfaRequired` body, tokens as a TokenPair). Browser (cookie) sessions change this one
 * function, not each route.
 */
export function sendSignIn(request: FastifyRequest, reply: FastifyReply, result: SignInAnswer): FastifyReply {
  if (!result.ok) return sendFailure(request, reply, result);
  if ('mfa' in result) return reply.send(result.mfa);
  // Cookie mode: a browser gets its refresh token only as an HttpOnly cookie.
  const browser = request.server.browserSessions;
  if (browser?.isBrowser(request)) return reply.send(browser.deliver(request, reply, result.tokens));
  return reply.send(result.tokens);
}
