import { ApiCaller } from './api-caller.js';
import { authorizedRequest, type AuthorizedDeps } from './authorized-request.js';
import { TabCoordinator } from './cross-tab.js';
import { isGatehouseError } from './errors.js';
import type { ClientEventHandler, ClientEventName } from './events.js';
import { resolveOptions, type GatehouseClientOptions, type ResolvedOptions } from './options.js';
import { ProactiveRefresh } from './proactive-refresh.js';
import { Refresher } from './refresher.js';
import { isMfaRequired, sessionFromAnswer } from './session-data.js';
import { SessionKeeper } from './session-keeper.js';
import { Transport } from './transport.js';
import type {
  ClientSession,
  Credentials,
  LoginResult,
  MeAnswer,
  MfaRequired,
  MfaVerification,
} from './types.js';

/**
 * A Gatehouse client for browsers and Node: sign-in, the session's tokens kept and refreshed
 * (see Refresher for the guarantees), and authorised requests to the API.
 */
export class GatehouseClient {
  private readonly options: ResolvedOptions;
  private readonly api: ApiCaller;
  private readonly keeper: SessionKeeper;
  private readonly tabs: TabCoordinator;
  private readonly refresher: Refresher;
  private readonly proactive: ProactiveRefresh;

  constructor(options: GatehouseClientOptions) {
    const resolved = (this.options = resolveOptions(options));
    const { clock, random, cookieMode } = resolved;
    this.api = new ApiCaller(
      new Transport({
        apiBase: resolved.apiBase,
        fetch: resolved.fetch,
        clock,
        timeoutMs: resolved.timeoutMs,
        withCookies: cookieMode,
        headers: resolved.headers,
      }),
      cookieMode,
    );
    this.proactive = new ProactiveRefresh(clock, random, () =>
      this.refresher.refresh(this.keeper.peek()?.accessToken ?? null),
    );
    this.keeper = new SessionKeeper({
      storage: resolved.storage,
      key: resolved.storageKey,
      cookieMode,
      onChange: (session) => {
        if (resolved.proactiveRefresh) this.proactive.schedule(session);
      },
    });
    this.tabs = new TabCoordinator(resolved.storageKey, resolved.crossTab, (message) =>
      this.keeper.receive(message),
    );
    this.keeper.connect(this.tabs);
    this.refresher = new Refresher({
      api: this.api,
      keeper: this.keeper,
      tabs: this.tabs,
      clock,
      random,
      cookieMode,
    });
    // Read the stored session now: it schedules the proactive refresh and lets another tab's
    // logout reach this one before its first request. A failure shows on the first call.
    this.keeper.get().catch(() => undefined);
  }

  /** Subscribes to `signedIn`, `signedOut`, `tokenRefreshed` or `sessionRevoked`; returns the unsubscribe. */
  on<E extends ClientEventName>(event: E, handler: ClientEventHandler<E>): () => void {
    return this.keeper.events.on(event, handler);
  }

  /** The current session (loaded from storage on first use), or null. */
  session(): Promise<ClientSession | null> {
    return this.keeper.get();
  }

  /** POST /auth/login: a session, or a second-factor challenge for verifyMfa. */
  async login(credentials: Credentials): Promise<LoginResult> {
    const answer = await this.api.call<unknown>('POST', '/auth/login', { body: credentials });
    if (isMfaRequired(answer.data)) return mfaChallenge(answer.data);
    return this.signIn(answer.status, answer.data);
  }

  /** POST /auth/mfa/verify: the second factor of a login challenge. */
  async verifyMfa(verification: MfaVerification): Promise<ClientSession> {
    const answer = await this.api.call<unknown>('POST', '/auth/mfa/verify', { body: verification });
    return this.signIn(answer.status, answer.data);
  }

  /** Fresh tokens now (shared with any refresh already under way, here or in another tab). */
  async refresh(): Promise<ClientSession> {
    const current = await this.keeper.get();
    return this.refresher.refresh(current?.accessToken ?? null);
  }

  /**
   * POST /auth/logout, then the session is gone here and in the other tabs — also when the
   * server could not be told (the error is thrown after). A session the server had already
   * ended (401) is simply gone.
   */
  async logout(): Promise<void> {
    try {
      const session = await this.keeper.get();
      if (session !== null || this.options.cookieMode) await this.request('POST', '/auth/logout');
    } catch (error) {
      if (!(isGatehouseError(error) && error.status === 401)) throw error;
    } finally {
      await this.keeper.signedOut();
    }
  }

  /** GET /auth/me: the signed-in user and the current session. */
  me(): Promise<MeAnswer> {
    return this.request<MeAnswer>('GET', '/auth/me');
  }

  /**
   * An authorised call to the API (`path` below /api/v1, e.g. `/sessions`): the access token
   * attached, refreshed on a 401 at most twice, problems thrown as GatehouseError.
   */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return authorizedRequest<T>(this.authorizedDeps(), method.toUpperCase(), path, body);
  }

  /** Stops the proactive refresh and leaves the tab channel (the session stays stored). */
  close(): void {
    this.proactive.cancel();
    this.tabs.close();
  }

  private async signIn(status: number, data: unknown): Promise<ClientSession> {
    const session = sessionFromAnswer(status, data, this.options.clock.now());
    await this.keeper.signedIn(session);
    return this.keeper.peek() ?? session;
  }

  private authorizedDeps(): AuthorizedDeps {
    const { clock, random, cookieMode } = this.options;
    return { api: this.api, keeper: this.keeper, refresher: this.refresher, clock, random, cookieMode };
  }
}

function mfaChallenge(data: MfaRequired): MfaRequired {
  return { mfaRequired: true, challengeId: data.challengeId, methods: data.methods };
}
