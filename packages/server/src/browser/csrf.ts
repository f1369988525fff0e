import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeRefreshToken } from '@gatehouse/core';

/**
 * CSRF tokens bound to the browser and, once signed in, to the session: HMAC-SHA256 under a
 * key derived from the master secret, over the browser's secret (kept in the HttpOnly CSRF
 * cookie) and the session id its refresh cookie names. Another browser's token, a token
 * from before sign-in, or one from an ended session does not match.
 */
export class CsrfTokens {
  constructor(private readonly key: Buffer) {}

  /** A new browser secret for the CSRF cookie (256 bits). */
  newBrowserSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  /** The token for this browser secret and the session of this refresh token (if any). */
  tokenFor(browserSecret: string, refreshToken: string | undefined): string {
    const sessionId = refreshToken === undefined ? '' : (decodeRefreshToken(refreshToken)?.sessionId ?? '');
    return createHmac('sha256', this.key).update(`${browserSecret}\n${sessionId}`).digest('base64url');
  }

  /** Constant-time comparison with the token this browser and session should send. */
  matches(
    presented: string | undefined,
    browserSecret: string | undefined,
    refreshToken: string | undefined,
  ) {
    if (!presented || !browserSecret) return false;
    const expected = Buffer.from(this.tokenFor(browserSecret, refreshToken));
    const given = Buffer.from(presented);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
