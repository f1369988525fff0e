import type { RequestContext } from '../kernel/request-context.js';
import { allowedRedirect } from '../kernel/redirect-origins.js';
import type { OAuthFlowParts } from './oauth-parts.js';
import { linksOf } from '../kernel/links.js';
import { fail, origin, type Outcome } from '../kernel/outcome.js';
import { DEFAULT_TENANT } from '../kernel/tenant.js';
import { completeLink } from './link-account.js';
import type { LoginAttempt } from './login-attempts.js';
import { hitOAuthLimit, type OAuthParts } from './oauth-parts.js';
import { contextIn, type CallerContext } from '../kernel/request-context.js';
import { OAuthProviderError, type OAuthProvider, type ProviderIdentity } from './providers/types.js';
import { userForIdentity } from './sign-in-identity.js';

export interface CallbackRequest {
  providerId: string;
  /** The callback URL as received (its query is the provider's answer). */
  callbackUrl: URL;
  /** The `gh_oauth` cookie value, if the browser sent one. */
  binding: string | undefined;
}

/**
 * Where the browser goes next: the attempt's `redirectTo` with `?code=` (login), `?linked=`
 * (link) or `?error=`. A failure is answered in place (400 `oauth_failed`, 404, 429) when no
 * attempt of this browser is known, since there is then no vetted place to redirect to.
 */
export type CallbackResult = Outcome<{ location: string }>;

/** What the app reads from `redirectTo` (one of). */
type Landing = { code: string } | { linked: string } | { error: string };

/**
 * GET /oauth/:provider/callback: known provider → rate limit → the attempt named by `state`,
 * made by this browser (cookie), for this provider and tenant → used up (single use) → the
 * provider checks the answer and yields an identity → login (user found, created or taken
 * over; a one-time code for the app) or link.
 */
export async function handleCallback(
  parts: OAuthFlowParts,
  request: CallbackRequest,
  caller: CallerContext,
): Promise<CallbackResult> {
  const flows = parts.oauth;
  const provider = flows.providers.get(request.providerId);
  if (!provider) return fail('not_found');
  const limit = await hitOAuthLimit(flows, 'callback', caller.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });

  const found = await takeAttempt(flows, request, caller);
  if (!found.ok) {
    const tenant = caller.namedTenant ?? DEFAULT_TENANT;
    failed(parts, { ...caller, tenant }, request.providerId, found.reason);
    return fail('oauth_failed', { reason: found.reason });
  }
  const { attempt, state, ctx } = found;
  // Checked when the attempt began; checked again in case the allow-list changed since.
  const redirectTo = allowedRedirect(attempt.redirectTo, parts.config.server.redirectOrigins);
  if (redirectTo === null) {
    failed(parts, ctx, request.providerId, 'redirect_not_allowed');
    return fail('oauth_failed', { reason: 'redirect_not_allowed' });
  }
  const landing = await land(parts, provider, { ...request, state }, attempt, ctx);
  return { ok: true, location: withParams(redirectTo, landing) };
}

type TakenAttempt =
  { ok: true; attempt: LoginAttempt; state: string; ctx: RequestContext } | { ok: false; reason: string };

async function takeAttempt(
  flows: OAuthParts,
  request: CallbackRequest,
  caller: CallerContext,
): Promise<TakenAttempt> {
  const states = request.callbackUrl.searchParams.getAll('state');
  const state = states.length === 1 ? states[0] : undefined;
  if (state === undefined) return { ok: false, reason: 'missing_state' };
  const found = await flows.attempts.find(state, request.binding);
  if (!found.ok) return found;
  const { attempt } = found;
  // A state issued for another provider arriving here is a mix-up attempt.
  if (attempt.provider !== request.providerId) return { ok: false, reason: 'provider_mismatch' };
  const ctx = contextIn(caller, attempt.tenant);
  if (!ctx) return { ok: false, reason: 'tenant_mismatch' };
  if (!(await flows.attempts.consume(state))) return { ok: false, reason: 'state_replayed' };
  return { ok: true, attempt, state, ctx };
}

async function land(
  parts: OAuthFlowParts,
  provider: OAuthProvider,
  request: CallbackRequest & { state: string },
  attempt: LoginAttempt,
  ctx: RequestContext,
): Promise<Landing> {
  const identity = await verifiedIdentity(parts, provider, request, attempt, ctx);
  if (!identity.ok) return { error: identity.error };
  if (!attempt.link) return signIn(parts, provider.id, identity.identity, attempt, ctx);
  const linked = await completeLink(parts, provider.id, identity.identity, attempt.link, ctx);
  if (linked.ok) return { linked: provider.id };
  // `session_ended`: the session that started the link was signed out or revoked meanwhile.
  const reason = linked.reason ?? linked.code;
  failed(parts, ctx, provider.id, reason, attempt.link.userId);
  return { error: linked.code === 'conflict' ? 'identity_in_use' : reason };
}

/**
 * A login: the account for the identity (found, created or taken over), then a one-time code
 * the app redeems with its PKCE verifier. Account state and the second-factor policy are
 * applied at the exchange, where the session would be made.
 */
async function signIn(
  parts: OAuthFlowParts,
  providerId: string,
  identity: ProviderIdentity,
  attempt: LoginAttempt,
  ctx: RequestContext,
): Promise<Landing> {
  const found = await userForIdentity(parts, providerId, identity, ctx);
  if (!found.ok) {
    failed(parts, ctx, providerId, found.code);
    // `conflict`: the identity got linked by a concurrent callback; nothing for the app to act on.
    return { error: found.code === 'conflict' ? 'oauth_failed' : found.code };
  }
  const code = await parts.oauth.exchangeCodes.issue({
    tenant: ctx.tenant,
    userId: found.user.id,
    provider: providerId,
    // Every login attempt has one (beginAuthorization requires it); '' matches no verifier.
    codeChallenge: attempt.appCodeChallenge ?? '',
  });
  parts.audit.emit({
    type: 'oauth.identity_verified',
    tenant: ctx.tenant,
    userId: found.user.id,
    data: { provider: providerId },
    ...origin(ctx),
  });
  return { code };
}

/** The provider's answer checked (state, iss, code exchange with PKCE, ID token): who signed in. */
async function verifiedIdentity(
  parts: OAuthFlowParts,
  provider: OAuthProvider,
  request: CallbackRequest & { state: string },
  attempt: LoginAttempt,
  ctx: RequestContext,
): Promise<{ ok: true; identity: ProviderIdentity } | { ok: false; error: string }> {
  try {
    const identity = await provider.exchange({
      callbackUrl: request.callbackUrl,
      redirectUri: linksOf(parts).oauthCallback(provider.id),
      state: request.state,
      nonce: attempt.nonce,
      codeVerifier: attempt.codeVerifier,
    });
    return { ok: true, identity };
  } catch (error) {
    if (!(error instanceof OAuthProviderError)) throw error;
    failed(parts, ctx, provider.id, error.reason, attempt.link?.userId, error.message);
    return { ok: false, error: error.reason === 'access_denied' ? 'access_denied' : 'oauth_failed' };
  }
}

function failed(
  parts: OAuthFlowParts,
  ctx: RequestContext,
  provider: string,
  reason: string,
  userId?: string,
  detail?: string,
): void {
  parts.audit.emit({
    type: 'oauth.failed',
    tenant: ctx.tenant,
    userId,
    reason,
    data: { provider, step: 'callback', ...(detail !== undefined ? { detail } : {}) },
    ...origin(ctx),
  });
}

function withParams(target: string, landing: Landing): string {
  const url = new URL(target);
  for (const [name, value] of Object.entries(landing)) url.searchParams.set(name, value);
  return url.href;
}
