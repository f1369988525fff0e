import type { RequestContext } from '../context/request-context.js';
import { decodeRefreshToken } from '../tokens/refresh-token.js';
import type { AccessTokenClaims } from '../tokens/claims.js';
import type { Session } from '../sessions/types.js';
import type { SessionService } from '../sessions/session-service.js';
import type { ClientNetworkOf } from '../limits/client-network.js';
import type { FixedWindowLimiter } from '../limits/fixed-window.js';
import { stateKeys } from '../state/keys.js';
import { deviceFingerprint } from '../sessions/device.js';
import type { AccessTokenIssuer } from '../tokens/access-token-issuer.js';
import type { PublicUser } from '../accounts/public-user.js';
import { fail, origin, type Outcome, type TokenPair } from './types.js';
import type { AuditEmitter } from '../sessions/types.js';

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
  refreshToken: string,
  ctx: RequestContext,
): Promise<Outcome<{ tokens: TokenPair }>> {
  const decoded = decodeRefreshToken(refreshToken);
  if (!decoded) return fail('invalid_refresh_token');
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

  const rotated = await parts.sessions.rotateRefreshToken(refreshToken, ctx);
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
  refreshToken: string,
  ctx: RequestContext,
): Promise<void> {
  const decoded = decodeRefreshToken(refreshToken);
  if (!decoded) return;
  if (await parts.sessions.ownsCurrentRefreshToken(refreshToken)) {
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
