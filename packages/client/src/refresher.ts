import type { ApiCaller } from './api-caller.js';
import { CONFLICT_BACKOFF, backoffDelay } from './backoff.js';
import { sleep, type ClientClock, type RandomSource } from './clock.js';
import type { TabCoordinator } from './cross-tab.js';
import { isGatehouseError, notSignedIn } from './errors.js';
import { sessionFromAnswer } from './session-data.js';
import type { SessionKeeper } from './session-keeper.js';
import type { ClientSession } from './types.js';

/**
 * Tokens this close to expiry are not worth adopting instead of refreshing: 5 s, or half
 * the token's lifetime when it lives less than 10 s (else a short-lived token another tab
 * just got would never be adopted, and every tab would rotate in turn).
 */
const FRESH_MARGIN_MS = 5_000;

export interface RefresherDeps {
  api: ApiCaller;
  keeper: SessionKeeper;
  tabs: TabCoordinator;
  clock: ClientClock;
  random: RandomSource;
  cookieMode: boolean;
}

/**
 * The refresh that never signs a user out by accident:
 * - single flight in this tab: concurrent callers share one refresh;
 * - one tab at a time (Web Locks), and inside the lock tokens another tab or process already
 *   got (broadcast into memory, or written to shared storage) are used instead of refreshing
 *   again — sending an already rotated refresh token is what gets sessions revoked;
 * - a 409 `refresh_conflict` (another tab or request won) is never a sign-out: wait a moment
 *   for the winner's tokens; in cookie mode ask once more (the browser now sends the winner's
 *   cookie); with the token in the body never resend it (API.md "Refresh replay");
 * - only a 401 from /auth/refresh ends the session (`sessionRevoked`); network errors,
 *   timeouts, 429 and 5xx leave the tokens alone.
 */
export class Refresher {
  private inflight: Promise<ClientSession> | null = null;

  constructor(private readonly deps: RefresherDeps) {}

  /**
   * Fresh tokens for a caller whose access token was `stale` (null: it had none). If the
   * session already moved past `stale`, those tokens, without asking the server.
   */
  async refresh(stale: string | null): Promise<ClientSession> {
    if (this.inflight) return this.inflight;
    const known = await this.deps.keeper.get();
    if (known && known.accessToken !== stale && this.isFresh(known)) return known;
    this.inflight ??= this.deps.tabs
      .exclusive(() => this.underLock(stale))
      .finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async underLock(stale: string | null): Promise<ClientSession> {
    return (await this.adoptNewerThan(stale)) ?? this.rotate(stale, true);
  }

  private async rotate(stale: string | null, mayRetry: boolean): Promise<ClientSession> {
    const { api, keeper, clock, cookieMode } = this.deps;
    const known = keeper.peek();
    if (!cookieMode && !known?.refreshToken) throw notSignedIn();
    // Cookie mode: an empty body, the refresh token travels in its cookie.
    const body = cookieMode ? {} : { refreshToken: known!.refreshToken };
    let answer;
    try {
      answer = await api.call<unknown>('POST', '/auth/refresh', { body });
    } catch (error) {
      if (isGatehouseError(error, 'refresh_conflict')) return this.afterConflict(error, stale, mayRetry);
      if (isGatehouseError(error) && error.status === 401) await keeper.revoked(error);
      throw error;
    }
    const session = sessionFromAnswer(answer.status, answer.data, clock.now());
    await keeper.refreshed(session);
    return session;
  }

  private async afterConflict(conflict: Error, stale: string | null, mayRetry: boolean) {
    const { clock, random, cookieMode } = this.deps;
    await sleep(clock, backoffDelay(1, random, CONFLICT_BACKOFF));
    const winner = await this.adoptNewerThan(stale);
    if (winner) return winner;
    if (cookieMode && mayRetry) return this.rotate(stale, false);
    throw conflict; // the tokens stay: the next request tries again, nobody is signed out
  }

  /** Tokens newer than `stale` from memory (another tab's broadcast) or storage, now in use. */
  private async adoptNewerThan(stale: string | null): Promise<ClientSession | null> {
    const { keeper } = this.deps;
    const inMemory = keeper.peek();
    const stored = await keeper.reread().catch(() => null);
    const newer = [inMemory, stored]
      .filter((session): session is ClientSession => session !== null)
      .filter((session) => session.accessToken !== stale && this.isFresh(session))
      .sort((a, b) => b.expiresAt - a.expiresAt)[0];
    if (!newer) return null;
    keeper.adopt(newer);
    return keeper.peek();
  }

  private isFresh(session: ClientSession): boolean {
    const lifetime = session.receivedAt === undefined ? Infinity : session.expiresAt - session.receivedAt;
    return session.expiresAt - this.deps.clock.now() > Math.min(FRESH_MARGIN_MS, lifetime / 2);
  }
}
