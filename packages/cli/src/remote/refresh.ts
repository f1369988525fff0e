import { CliFailure } from '../secure-files/errors.js';
import type { RemoteContext } from './context.js';
import { ServerProblem, callServer } from './http.js';
import { usedAt, type SessionTokens, type StoredSession } from './sealed-session.js';
import { RevokedOnServer } from './session-ended.js';
import { clearLogin, readLogin, writeLogin } from './session-files.js';
import { parseTokenPair, sessionFromPair } from './token-pair.js';

/** Refresh this long before expiry (or at half the lifetime of short-lived tokens). */
const REFRESH_MARGIN_MS = 60_000;

/** Whether the access token is about to expire (or has), so the next call should not use it. */
export function needsRefresh(tokens: SessionTokens, now: number): boolean {
  const margin = Math.min(REFRESH_MARGIN_MS, tokens.accessLifetimeMs / 2);
  return tokens.accessExpiresAt - now <= margin;
}

/**
 * Rotates the refresh token and stores the new pair, under the sign-in lock. The new pair
 * is on disk (atomically) before its access token is used, so a crash never leaves the
 * only copy of the rotated refresh token in a dead process.
 *
 * 409 refresh_conflict means another process just rotated this token: the file is read
 * again, once, and its newer token used; the old one is never sent again (after the
 * server's 10 s window that would count as reuse and revoke the session). A 401 means the
 * session is gone on the server: the files are deleted and RevokedOnServer raised.
 */
export async function refreshLocked(
  context: RemoteContext,
  session: StoredSession,
  key: Buffer,
): Promise<StoredSession> {
  let current = session;
  for (let attempt = 1; ; attempt++) {
    try {
      return await rotate(context, current, key);
    } catch (error) {
      if (!(error instanceof ServerProblem)) throw error;
      if (error.status === 401) {
        await clearLogin(context.files);
        throw new RevokedOnServer(current.header, error.code);
      }
      if (error.code !== 'refresh_conflict' || attempt > 1) throw error;
      const newer = await reloadAfterConflict(context, current, key);
      if (needsRefresh(newer.tokens, context.now())) current = newer;
      else return touchLocked(context, newer, key);
    }
  }
}

/** Pushes the idle deadline back: the session file again, with `lastUsed` now. */
export async function touchLocked(
  context: RemoteContext,
  session: StoredSession,
  key: Buffer,
): Promise<StoredSession> {
  const touched = usedAt(session, context.now());
  await writeLogin(context.files, touched, key);
  return touched;
}

async function rotate(context: RemoteContext, session: StoredSession, key: Buffer): Promise<StoredSession> {
  const { server, signedInAt } = session.header;
  const answer = await callServer(server, 'POST', '/auth/refresh', {
    body: { refreshToken: session.tokens.refreshToken },
  });
  const next = sessionFromPair(server, parseTokenPair(server, answer.body), context.now(), signedInAt);
  await writeLogin(context.files, next, key);
  return next;
}

/**
 * The session as another process stored it after winning the race. When the file still
 * holds the token we sent, the winner's new token was never stored (it crashed, or it
 * runs elsewhere): there is nothing safe to send, so the command stops.
 */
async function reloadAfterConflict(
  context: RemoteContext,
  sent: StoredSession,
  key: Buffer,
): Promise<StoredSession> {
  const stored = await readLogin(context.files);
  if (stored.state !== 'open') throw conflictFailure();
  // Same key file as ours (the lock is held); copied so that the caller's wipe covers it.
  stored.key.copy(key);
  stored.key.fill(0);
  if (stored.session.tokens.refreshToken === sent.tokens.refreshToken) throw conflictFailure();
  return stored.session;
}

function conflictFailure(): CliFailure {
  return new CliFailure(
    'another process refreshed this sign-in at the same moment and its new token is not stored here; ' +
      'run the command again (if it keeps failing, gatehouse login)',
  );
}
