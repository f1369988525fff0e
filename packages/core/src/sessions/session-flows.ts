import { contextIn, type CallerContext, type RequestContext } from '../kernel/request-context.js';
import { decodeRefreshToken, type RefreshTokenParts } from '../tokens/refresh-token.js';
import type { AccessTokenClaims } from '../tokens/claims.js';
import type { Session } from './types.js';
import type { RevokeUserSessionsOptions } from './revoke-sessions.js';
import type { AccessValidation, AccessValidator, ValidationMode } from './validate-access.js';
import type { SessionService } from './session-service.js';
import type { ClientNetworkOf } from '../limits/client-network.js';
import type { FixedWindowLimiter } from '../limits/fixed-window.js';
import { stateKeys } from '../state/keys.js';
import { deviceFingerprint } from './device.js';
import type { AccessTokenIssuer } from '../tokens/access-token-issuer.js';
import type { PublicUser } from '../kernel/public-user.js';
import { fail, origin, type Outcome, type TokenPair } from '../kernel/outcome.js';
import type { AuditEmitter } from '../audit/types.js';

export interface SessionFlowParts {
  sessions: SessionService;
  issuer: AccessTokenIssuer;
  refreshLimiter: FixedWindowLimiter;
  /** The client network of an IP (an IPv6 /64 is one client), for the device in the limit's key. */
  networkOf: ClientNetworkOf;
  audit: AuditEmitter;
  /** The user as of the session's sign-in, without a Database call (refresh is a hot path). */
  userOf(session: Session): Promise<PublicUser>;
}

/**
 * `POST /auth/refresh`: per-session rate limit, one rotation, a fresh access token.
 *
 * The limit counts per session *and device* (client network + user agent): it is checked
 * before the secret (a refresh must stay two StateStore calls), and session ids are no secret
 * (access tokens carry them as `sid`), so a per-session count would let anyone flood a
 * victim's session with forged secrets and keep its owner from refreshing. A client looping
 * on refresh still meets the limit from its own device (an IPv6 client's whole /64, so new
 * addresses are no new device here).
 */
export async function refreshTokens(
  parts: SessionFlowParts,
  decoded: RefreshTokenParts,
  ctx: RequestContext,
): Promise<Outcome<{ tokens: TokenPair }>> {
  const limit = await parts.refreshLimiter.hit(
    stateKeys.user(
      decoded.tenant,
      decoded.userId,
      'refresh-rate',
      decoded.sessionId,
      deviceFingerprint({ ip: parts.networkOf(ctx.ip), userAgent: ctx.userAgent }),
    ),
  );
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });

  const rotated = await parts.sessions.rotateRefreshToken(decoded, ctx);
  if (!rotated.ok) return fail(rotated.reason);
  const { session } = rotated;
  return {
    ok: true,
    tokens: tokenPair(parts.issuer, session, rotated.refreshToken, await parts.userOf(session)),
  };
}

/** A fresh access token for the session, packed with its refresh token as API.md's TokenPair. */
export function tokenPair(
  issuer: AccessTokenIssuer,
  session: Session,
  refreshToken: string,
  user: PublicUser,
): TokenPair {
  const access = issuer.issue(subjectOf(session));
  return {
    accessToken: access.token,
    refreshToken,
    tokenType: 'Bearer',
    expiresIn: access.expiresIn,
    sessionId: session.id,
    user,
  };
}

/** Refresh copies auth_time and amr from the session; it never refreshes them. */
export function subjectOf(session: Session) {
  return {
    userId: session.userId,
    sessionId: session.id,
    tenant: session.tenant,
    authTime: Math.floor(session.authTime / 1000),
    amr: session.amr,
    roleVersion: session.versions.rv,
    permissionVersion: session.versions.pv,
    accountVersion: session.versions.av,
    roles: session.roles,
  };
}

/**
 * `POST /auth/revoke` (RFC 7009 style): always succeeds from the caller's view; the
 * session goes only when the token is its current one (a guessed or stale token must
 * not let anyone end someone else's session).
 */
export async function revokeRefreshToken(
  parts: SessionFlowParts,
  decoded: RefreshTokenParts,
  ctx: RequestContext,
): Promise<void> {
  if (await parts.sessions.ownsCurrentRefreshToken(decoded)) {
    await parts.sessions.revokeSession(decoded.tenant, decoded.userId, decoded.sessionId);
    parts.audit.emit({
      type: 'refresh.revoked',
      tenant: decoded.tenant,
      userId: decoded.userId,
      sessionId: decoded.sessionId,
      ...origin(ctx),
    });
  }
}

/** `POST /auth/logout`: ends the bearer's session; a refresh token of another session is ignored. */
export async function logout(
  parts: SessionFlowParts,
  claims: AccessTokenClaims,
  ctx: RequestContext,
): Promise<void> {
  await parts.sessions.revokeSession(ctx.tenant, claims.sub, claims.sid);
}

/** `POST /auth/logout-all`: every session of the user. */
export async function logoutAll(
  parts: SessionFlowParts,
  claims: AccessTokenClaims,
  ctx: RequestContext,
): Promise<number> {
  return parts.sessions.revokeUserSessions(ctx.tenant, claims.sub);
}

/**
 * `engine.sessions`: refresh, revoke, logout, the session list and access-token validation.
 * A refresh token names its own tenant and is parsed once, here; a caller's x-tenant-id
 * (`namedTenant`, with tenancy on) must agree with it.
 */
export class SessionFlows {
  constructor(private readonly parts: SessionFlowParts & { validator: AccessValidator }) {}

  refresh(refreshToken: string, caller: CallerContext): Promise<Outcome<{ tokens: TokenPair }>> {
    const presented = presentedIn(refreshToken, caller);
    if (!presented) return Promise.resolve(fail('invalid_refresh_token'));
    return refreshTokens(this.parts, presented.decoded, presented.ctx);
  }

  /** RFC 7009 style: nothing to tell the caller, whatever the token was. */
  async revoke(refreshToken: string, caller: CallerContext): Promise<void> {
    const presented = presentedIn(refreshToken, caller);
    if (presented) await revokeRefreshToken(this.parts, presented.decoded, presented.ctx);
  }

  logout(claims: AccessTokenClaims, ctx: RequestContext): Promise<void> {
    return logout(this.parts, claims, ctx);
  }

  logoutAll(claims: AccessTokenClaims, ctx: RequestContext): Promise<number> {
    return logoutAll(this.parts, claims, ctx);
  }

  /** `mode` defaults to `sessions.validationMode`; `ctx` enables the device check. */
  validate(token: string, mode?: ValidationMode, ctx?: RequestContext): Promise<AccessValidation> {
    return this.parts.validator.validate(token, mode, ctx);
  }

  listSessions(tenant: string, userId: string): Promise<Session[]> {
    return this.parts.sessions.listSessions(tenant, userId);
  }

  /** The live session (null once logged out, revoked or expired). */
  getSession(tenant: string, userId: string, sessionId: string): Promise<Session | null> {
    return this.parts.sessions.getSession(tenant, userId, sessionId);
  }

  /** One session of the user's own (false when it is not theirs or already gone). */
  revokeSession(tenant: string, userId: string, sessionId: string): Promise<boolean> {
    return this.parts.sessions.revokeSession(tenant, userId, sessionId);
  }

  revokeUserSessions(tenant: string, userId: string, options?: RevokeUserSessionsOptions): Promise<number> {
    return this.parts.sessions.revokeUserSessions(tenant, userId, options);
  }
}

/** The token's parts and the caller's context in the token's tenant, or null when unusable. */
function presentedIn(refreshToken: string, caller: CallerContext) {
  const decoded = decodeRefreshToken(refreshToken);
  const ctx = decoded && contextIn(caller, decoded.tenant);
  return decoded && ctx ? { decoded, ctx } : null;
}
