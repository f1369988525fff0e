import type { ApiCaller } from './api-caller.js';
import { REFRESH_RETRY_BACKOFF, backoffDelay } from './backoff.js';
import { sleep, type ClientClock, type RandomSource } from './clock.js';
import { isGatehouseError, notSignedIn } from './errors.js';
import type { Refresher } from './refresher.js';
import type { SessionKeeper } from './session-keeper.js';
import type { ClientSession } from './types.js';

/** The 401 loop guard: a request refreshes at most this often before it gives up. */
export const MAX_REFRESHES_PER_REQUEST = 2;

/**
 * The 401s that mean "this access token is dead" (API.md: clients read 401 that way). Other
 * 401s — a wrong password at step-up, a wrong code — are answers, not reasons to refresh.
 */
const DEAD_ACCESS_TOKEN: ReadonlySet<string> = new Set(['invalid_token', 'unauthorized']);

export interface AuthorizedDeps {
  api: ApiCaller;
  keeper: SessionKeeper;
  refresher: Refresher;
  clock: ClientClock;
  random: RandomSource;
  cookieMode: boolean;
}

/**
 * A request with the session's access token. A dead token is refreshed (shared with every
 * concurrent caller) and the request sent again, at most MAX_REFRESHES_PER_REQUEST times,
 * waiting with backoff and jitter before each refresh after the first.
 */
export async function authorizedRequest<T>(
  deps: AuthorizedDeps,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  let refreshes = 0;
  const refresh = async (stale: string | null): Promise<ClientSession> => {
    if (refreshes > 0) await sleep(deps.clock, backoffDelay(refreshes, deps.random, REFRESH_RETRY_BACKOFF));
    refreshes += 1;
    return deps.refresher.refresh(stale);
  };
  let session = await usableSession(deps, refresh);
  for (;;) {
    try {
      const answer = await deps.api.call<T>(method, path, { body, accessToken: session.accessToken });
      return answer.data;
    } catch (error) {
      const dead = isGatehouseError(error) && error.status === 401 && DEAD_ACCESS_TOKEN.has(error.code);
      if (!dead || refreshes >= MAX_REFRESHES_PER_REQUEST) throw error;
      session = await refresh(session.accessToken);
    }
  }
}

/**
 * The session to send: refreshed first when its access token is known to have expired, or,
 * in cookie mode, when there is none yet (after a reload only the refresh cookie is left).
 */
async function usableSession(
  deps: AuthorizedDeps,
  refresh: (stale: string | null) => Promise<ClientSession>,
): Promise<ClientSession> {
  const session = await deps.keeper.get();
  if (session === null) {
    if (!deps.cookieMode) throw notSignedIn();
    return refresh(null);
  }
  return session.expiresAt <= deps.clock.now() ? refresh(session.accessToken) : session;
}
