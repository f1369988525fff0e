import type { TabCoordinator, TabMessage } from './cross-tab.js';
import type { GatehouseError } from './errors.js';
import { Emitter } from './events.js';
import { withoutRefreshToken } from './session-data.js';
import type { TokenStorage } from './storage.js';
import type { ClientSession } from './types.js';

export interface KeeperConfig {
  storage: TokenStorage;
  key: string;
  cookieMode: boolean;
  /** Every change of the session (null: gone), e.g. to reschedule the proactive refresh. */
  onChange: (session: ClientSession | null) => void;
}

/**
 * The one place the session changes: in memory (what requests use), in storage (what
 * survives a reload or a restart), in the other tabs (told through the coordinator) and in
 * the app (told through events). Memory changes first, so a storage failure never leaves
 * this tab using tokens the server has already rotated away.
 */
export class SessionKeeper {
  readonly events = new Emitter();
  private current: ClientSession | null = null;
  private loading: Promise<void> | null = null;
  /** A change that came before storage was read wins over what storage held. */
  private changed = false;
  private tabs: TabCoordinator | null = null;

  constructor(private readonly config: KeeperConfig) {}

  /** The coordinator is made after the keeper, since its messages come back here. */
  connect(tabs: TabCoordinator): void {
    this.tabs = tabs;
  }

  /** The session, read from storage on first use (the client starts that read at once). */
  async get(): Promise<ClientSession | null> {
    // A failed read is tried again on the next call, not remembered.
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = null;
      throw error;
    });
    await this.loading;
    return this.current;
  }

  /** The session in memory now (call after get() has loaded it once). */
  peek(): ClientSession | null {
    return this.current;
  }

  /** What storage holds now: another tab or process sharing it may have refreshed. */
  reread(): Promise<ClientSession | null> {
    return this.config.storage.get(this.config.key);
  }

  async signedIn(session: ClientSession): Promise<void> {
    await this.commit(session, 'signedIn');
  }

  async refreshed(session: ClientSession): Promise<void> {
    await this.commit(session, 'tokenRefreshed');
  }

  /** Tokens another tab or process already got for us (found in memory or storage). */
  adopt(session: ClientSession): void {
    if (session === this.current) return;
    const event = session.sessionId === this.current?.sessionId ? 'tokenRefreshed' : 'signedIn';
    this.replace(session);
    this.events.emit(event, session);
  }

  /** Logout here: tokens gone, and the other tabs of this session told. */
  async signedOut(): Promise<void> {
    const ended = this.current;
    if (!ended) return;
    this.replace(null);
    this.tabs?.publish({ type: 'signedOut', key: this.config.key, sessionId: ended.sessionId });
    this.events.emit('signedOut', { reason: 'logout' });
    await this.config.storage.remove(this.config.key);
  }

  /** The server refused the refresh token: the session is over, here and in the other tabs. */
  async revoked(error: GatehouseError): Promise<void> {
    const ended = this.current;
    if (!ended) return;
    this.replace(null);
    this.tabs?.publish({ type: 'signedOut', key: this.config.key, sessionId: ended.sessionId });
    this.events.emit('sessionRevoked', error);
    await this.config.storage.remove(this.config.key);
  }

  /** A message from another tab. */
  receive(message: TabMessage): void {
    if (message.type === 'signedOut') {
      if (message.sessionId !== this.current?.sessionId) return;
      this.replace(null);
      this.events.emit('signedOut', { reason: 'other_tab' });
      void this.config.storage.remove(this.config.key).catch(ignoreStorageFailure);
      return;
    }
    const { session } = message;
    if (!this.wants(session)) return;
    this.adopt(session);
    // Per-tab storage (sessionStorage) must learn it too; shared storage already holds it.
    void this.config.storage.set(this.config.key, this.stored(session)).catch(ignoreStorageFailure);
  }

  /**
   * Whether another tab's tokens are ours to use: newer tokens of our session; in cookie mode
   * any newer session, since the browser's one refresh cookie now belongs to it.
   */
  private wants(session: ClientSession): boolean {
    const current = this.current;
    if (current === null) return this.config.cookieMode;
    if (current.sessionId !== session.sessionId) return this.config.cookieMode;
    // Tokens issued in the same millisecond as ours are just as new.
    return session.accessToken !== current.accessToken && session.expiresAt >= current.expiresAt;
  }

  private async commit(session: ClientSession, event: 'signedIn' | 'tokenRefreshed'): Promise<void> {
    const kept = this.stored(session);
    this.replace(kept);
    this.tabs?.publish({ type: 'tokens', key: this.config.key, session: kept });
    this.events.emit(event, kept);
    await this.config.storage.set(this.config.key, kept);
  }

  private replace(session: ClientSession | null): void {
    this.current = session === null ? null : this.stored(session);
    this.changed = true;
    this.config.onChange(this.current);
  }

  private stored(session: ClientSession): ClientSession {
    return this.config.cookieMode ? withoutRefreshToken(session) : session;
  }

  private async load(): Promise<void> {
    const stored = await this.config.storage.get(this.config.key);
    if (this.changed || stored === null) return;
    this.current = this.stored(stored);
    this.config.onChange(this.current);
  }
}

/** Memory holds the tokens; the next successful write brings storage up to date. */
function ignoreStorageFailure(): void {}
