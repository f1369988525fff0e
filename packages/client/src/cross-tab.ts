import { isClientSession } from './session-data.js';
import type { ClientSession } from './types.js';

/** The Web Locks call the client uses (`navigator.locks`). */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** The BroadcastChannel calls the client uses. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/**
 * How tabs of one browser coordinate. Both default to the browser's own (`navigator.locks`,
 * `BroadcastChannel('gatehouse')`) where there is a page or worker; null turns one off. Node
 * gets neither by default: a server process holds many unrelated clients, which must not
 * queue behind one lock nor hear each other's tokens.
 */
export interface CrossTabOptions {
  locks?: LockManagerLike | null;
  channel?: ChannelLike | null;
}

export const REFRESH_LOCK = 'gatehouse-refresh';
export const CHANNEL_NAME = 'gatehouse';

/** What tabs tell each other, for one storage key (one app's session). */
export type TabMessage =
  | { type: 'tokens'; key: string; session: ClientSession }
  | { type: 'signedOut'; key: string; sessionId: string };

/** Runs refreshes one tab at a time and carries the results to the other tabs. */
export class TabCoordinator {
  private readonly locks: LockManagerLike | null;
  private readonly channel: ChannelLike | null;

  constructor(
    private readonly key: string,
    options: CrossTabOptions,
    onMessage: (message: TabMessage) => void,
  ) {
    const browser = browserScope();
    this.locks = options.locks !== undefined ? options.locks : (browser?.navigator?.locks ?? null);
    this.channel =
      options.channel !== undefined
        ? options.channel
        : browser?.BroadcastChannel
          ? new browser.BroadcastChannel(CHANNEL_NAME)
          : null;
    this.channel?.addEventListener('message', (event) => {
      const message = event.data;
      if (isTabMessage(message) && message.key === this.key) onMessage(message);
    });
  }

  /** `work` while holding the refresh lock of every tab (just `work` without Web Locks). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.locks ? this.locks.request(REFRESH_LOCK, work) : work();
  }

  publish(message: TabMessage): void {
    this.channel?.postMessage(message);
  }

  close(): void {
    this.channel?.close();
  }
}

interface BrowserScope {
  document?: unknown;
  importScripts?: unknown;
  navigator?: { locks?: LockManagerLike };
  BroadcastChannel?: new (name: string) => ChannelLike;
}

/** The global scope when this code runs in a page or a worker; null elsewhere (Node). */
function browserScope(): BrowserScope | null {
  const scope = globalThis as unknown as BrowserScope;
  const inBrowser = scope.document !== undefined || typeof scope.importScripts === 'function';
  return inBrowser ? scope : null;
}

function isTabMessage(data: unknown): data is TabMessage {
  const message = data as Partial<Record<string, unknown>> | null | undefined;
  if (typeof message?.key !== 'string') return false;
  if (message.type === 'tokens') return isClientSession(message.session);
  return message.type === 'signedOut' && typeof message.sessionId === 'string';
}
