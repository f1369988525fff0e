import type { RemoteContext } from './context.js';
import { needsRefresh, refreshLocked, touchLocked } from './refresh.js';
import type { StoredSession } from './sealed-session.js';
import { RevokedOnServer, reportEnding, type Ending } from './session-ended.js';
import { clearLogin, newLoginKey, readLogin, withLoginLock, writeLogin } from './session-files.js';

/**
 * The stored sign-in as commands use it. Every step runs under the sign-in lock and starts
 * from the file as it is now, so concurrent commands see each other's rotations. The
 * 15-minute idle rule: a session last used 15 minutes ago or more (or more than a minute in
 * the future: the clock went back) has ended, whatever the server thinks.
 */
export const IDLE_MS = 15 * 60 * 1000;
const CLOCK_SKEW_MS = 60 * 1000;

/** What to do with an open session under the lock; returns the session to continue with. */
type Step = (session: StoredSession, key: Buffer) => Promise<StoredSession>;

/** For a command that calls the server: a fresh access token, and the idle deadline pushed back. */
export function useSession(context: RemoteContext): Promise<StoredSession> {
  return withOpenSession(context, (session, key) =>
    needsRefresh(session.tokens, context.now())
      ? refreshLocked(context, session, key)
      : touchLocked(context, session, key),
  );
}

/** For `gatehouse status`: the session as stored, checked but neither refreshed nor extended. */
export function peekSession(context: RemoteContext): Promise<StoredSession> {
  return withOpenSession(context, async (session) => session);
}

/**
 * After the server refused `rejectedAccessToken` (401): the newer token another process
 * stored meanwhile, else a refresh (which ends in RevokedOnServer if the session is gone).
 */
export function renewSession(context: RemoteContext, rejectedAccessToken: string): Promise<StoredSession> {
  return withOpenSession(context, (session, key) =>
    session.tokens.accessToken === rejectedAccessToken
      ? refreshLocked(context, session, key)
      : Promise.resolve(session),
  );
}

/** Deletes the local sign-in if it is still session `sessionId` (a new login meanwhile is kept). */
export function forgetSession(context: RemoteContext, sessionId: string): Promise<void> {
  return withLoginLock(context.files, async () => {
    const stored = await readLogin(context.files);
    if (stored.state === 'open') stored.key.fill(0);
    if (stored.state === 'open' && stored.session.header.sessionId !== sessionId) return;
    await clearLogin(context.files);
  });
}

/**
 * Stores a new sign-in under a new login key. Returns the one it replaces, if it could be
 * opened, so the caller can revoke it on its server.
 */
export function saveSignIn(
  context: RemoteContext,
  session: StoredSession,
): Promise<StoredSession | undefined> {
  return withLoginLock(context.files, async () => {
    const previous = await readLogin(context.files);
    if (previous.state === 'open') previous.key.fill(0);
    const key = await newLoginKey(context.files);
    try {
      await writeLogin(context.files, session, key);
    } finally {
      key.fill(0);
    }
    return previous.state === 'open' ? previous.session : undefined;
  });
}

type Outcome = { session: StoredSession } | { ending: Ending };

/** Runs `step` on the open session, or reports (outside the lock) why there is none. */
async function withOpenSession(context: RemoteContext, step: Step): Promise<StoredSession> {
  const outcome = await withLoginLock(context.files, () => openLocked(context, step));
  if ('session' in outcome) return outcome.session;
  throw await reportEnding(context, outcome.ending);
}

async function openLocked(context: RemoteContext, step: Step): Promise<Outcome> {
  const stored = await readLogin(context.files);
  if (stored.state === 'none') return { ending: { kind: 'none' } };
  if (stored.state !== 'open') {
    await clearLogin(context.files);
    return {
      ending: stored.state === 'no-key' ? { kind: 'no-key', header: stored.header } : { kind: 'unreadable' },
    };
  }
  const { session, key } = stored;
  try {
    if (idleEnded(session.header.lastUsed, context.now())) {
      await clearLogin(context.files);
      return { ending: { kind: 'expired', session } };
    }
    return { session: await step(session, key) };
  } catch (error) {
    if (!(error instanceof RevokedOnServer)) throw error;
    return { ending: { kind: 'revoked', header: error.header, code: error.code } };
  } finally {
    key.fill(0);
  }
}

function idleEnded(lastUsed: number, now: number): boolean {
  return now - lastUsed >= IDLE_MS || lastUsed - now > CLOCK_SKEW_MS;
}
