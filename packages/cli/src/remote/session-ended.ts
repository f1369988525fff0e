import { CliFailure } from '../secure-files/errors.js';
import { recordEvent } from '../totp/context.js';
import type { RemoteContext } from './context.js';
import { callServer } from './http.js';
import type { SessionHeader, StoredSession } from './sealed-session.js';

/**
 * Why a command found no usable sign-in. Each has its one-line message (ending with what
 * to do) and a short `reason` for `gatehouse logout`, for which an ended session is no error.
 */
export class SignInEnded extends CliFailure {
  readonly reason: string;

  constructor(reason: string, advice = 'run gatehouse login') {
    super(`${reason}; ${advice}`);
    this.name = 'SignInEnded';
    this.reason = reason;
  }
}

/** How a stored sign-in was found to have ended (its files are already deleted, except for 'none'). */
export type Ending =
  | { kind: 'none' }
  | { kind: 'no-key'; header: SessionHeader }
  | { kind: 'unreadable' }
  | { kind: 'expired'; session: StoredSession }
  | { kind: 'revoked'; header: SessionHeader; code: string };

/** Raised inside the lock by a refresh the server refused with 401, once the files are deleted. */
export class RevokedOnServer extends Error {
  constructor(
    readonly header: SessionHeader,
    readonly code: string,
  ) {
    super(`session revoked (${code})`);
  }
}

/** Time allowed to the courtesy revocation of an idle session: the user is waiting on an error. */
const COURTESY_TIMEOUT_MS = 5_000;

/** Audits the end (outside the lock: no network or log write while holding it) and says it. */
export async function reportEnding(context: RemoteContext, ending: Ending): Promise<SignInEnded> {
  switch (ending.kind) {
    case 'none':
      return new SignInEnded('not signed in', 'run gatehouse login --server <url>');
    case 'no-key':
      return new SignInEnded(
        `the sign-in to ${ending.header.server} ended: its key in ${context.paths.runtimeDir} is gone ` +
          '(a reboot, or the end of your desktop session)',
      );
    case 'unreadable':
      return new SignInEnded(
        'the stored sign-in could not be opened (modified, or from another login) and was deleted',
      );
    case 'expired':
      return expired(context, ending.session);
    case 'revoked':
      return revoked(context, ending.header, ending.code);
  }
}

/**
 * The client-side idle rule also ends the server session, best effort: otherwise the
 * refresh token would stay good on the server for its own (much longer) idle timeout.
 */
async function expired(context: RemoteContext, session: StoredSession): Promise<SignInEnded> {
  const { server, email } = session.header;
  await revokeQuietly(server, session.tokens.refreshToken);
  await recordEvent(context, { event: 'server.session_expired', server, email });
  return new SignInEnded('the session ended after 15 idle minutes', 'run gatehouse login again');
}

async function revoked(context: RemoteContext, header: SessionHeader, code: string): Promise<SignInEnded> {
  const { server, email, sessionId } = header;
  await recordEvent(context, {
    event: 'server.session_revoked_remotely',
    server,
    email,
    sessionId,
    reason: code,
  });
  const why =
    code === 'refresh_token_reused'
      ? 'the server saw this refresh token used twice and revoked the session (could a copy of it be elsewhere?)'
      : `the session was revoked on the server (signed out elsewhere, by an admin or by a password change)`;
  return new SignInEnded(`${why}; the local sign-in was deleted`);
}

/** POST /auth/revoke (RFC 7009 style, always 204): true when the server answered. */
export async function revokeQuietly(server: string, refreshToken: string): Promise<boolean> {
  try {
    await callServer(server, 'POST', '/auth/revoke', {
      body: { refreshToken },
      timeoutMs: COURTESY_TIMEOUT_MS,
    });
    return true;
  } catch {
    return false;
  }
}
