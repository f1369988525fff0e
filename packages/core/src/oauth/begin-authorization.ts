import * as oauth from 'oauth4webapi';
import type { RequestContext } from '../kernel/request-context.js';
import { allowedRedirect } from '../kernel/redirect-origins.js';
import type { OAuthFlowParts } from './oauth-parts.js';
import { linksOf } from '../kernel/links.js';
import { fail, origin, type Outcome } from '../kernel/outcome.js';
import type { LoginAttempt } from './login-attempts.js';
import { hitOAuthLimit } from './oauth-parts.js';
import { OAuthProviderError } from './providers/types.js';
import { newSecret, SECRET_FORMAT, sha256 } from './secrets.js';

export interface AuthorizeInput {
  /** Where the callback sends the browser back: an allow-listed origin (server.redirectOrigins). */
  redirectTo: string;
  /** S256 challenge of the app's PKCE verifier; redeemed at POST /oauth/exchange. */
  codeChallenge?: string | undefined;
}

/** Where to send the browser, and the value the `gh_oauth` cookie must carry back. */
export interface AuthorizationStarted {
  authorizationUrl: string;
  binding: string;
}

/**
 * GET /oauth/:provider/authorize: a sign-in attempt. The app's `codeChallenge` is required
 * (API.md: outside cookie mode), since the one-time code it gets back travels in a URL.
 */
export function beginAuthorization(
  parts: OAuthFlowParts,
  providerId: string,
  input: AuthorizeInput,
  ctx: RequestContext,
): Promise<Outcome<AuthorizationStarted>> {
  if (input.codeChallenge === undefined || !SECRET_FORMAT.test(input.codeChallenge)) {
    return Promise.resolve(fail('validation_error'));
  }
  const request = { redirectTo: input.redirectTo, appCodeChallenge: input.codeChallenge, link: null };
  return startAttempt(parts, providerId, request, ctx);
}

type AttemptRequest = Pick<LoginAttempt, 'redirectTo' | 'appCodeChallenge' | 'link'>;

/**
 * A login or link attempt: known provider → rate limit → allow-listed redirectTo → fresh
 * state, nonce, server PKCE verifier and browser binding → the provider's URL → the attempt
 * stored under its state (10 min, single use). The URL is built first, so a provider whose
 * discovery fails leaves nothing behind.
 */
export async function startAttempt(
  parts: OAuthFlowParts,
  providerId: string,
  request: AttemptRequest,
  ctx: RequestContext,
): Promise<Outcome<AuthorizationStarted>> {
  const flows = parts.oauth;
  const provider = flows.providers.get(providerId);
  if (!provider) return fail('not_found');
  const limit = await hitOAuthLimit(flows, 'authorize', ctx.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  const redirectTo = allowedRedirect(request.redirectTo, parts.config.server.redirectOrigins);
  if (redirectTo === null) return fail('validation_error');

  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const binding = newSecret(parts.random);
  let url: URL;
  try {
    url = await provider.authorizationUrl({
      redirectUri: linksOf(parts).oauthCallback(providerId),
      state,
      nonce,
      codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    });
  } catch (error) {
    // The provider's discovery document is unreachable or wrong: a required backend is down.
    if (!(error instanceof OAuthProviderError)) throw error;
    parts.audit.emit({
      type: 'oauth.failed',
      tenant: ctx.tenant,
      reason: error.reason,
      data: { provider: providerId, step: 'authorize', detail: error.message },
      ...origin(ctx),
    });
    return fail('unavailable');
  }
  await flows.attempts.save(state, {
    ...request,
    tenant: ctx.tenant,
    provider: providerId,
    nonce,
    codeVerifier,
    redirectTo,
    bindingHash: sha256(binding),
  });
  parts.audit.emit({
    type: 'oauth.started',
    tenant: ctx.tenant,
    userId: request.link?.userId,
    data: { provider: providerId, flow: request.link ? 'link' : 'login' },
    ...origin(ctx),
  });
  return { ok: true, authorizationUrl: url.href, binding };
}
