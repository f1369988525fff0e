import { systemClock, type ClientClock, type RandomSource } from './clock.js';
import type { CrossTabOptions } from './cross-tab.js';
import { memoryStorage, type TokenStorage } from './storage.js';
import type { FetchLike } from './transport.js';

export interface GatehouseClientOptions {
  /**
   * Where Gatehouse is served, e.g. `https://auth.example.com` (the client adds `/api/v1`;
   * a URL already ending in `/api/v1` is taken as it is).
   */
  baseUrl: string;
  /** Defaults to the platform's fetch. */
  fetch?: FetchLike;
  /** Defaults to memoryStorage(). */
  storage?: TokenStorage;
  /** The session's key in the storage (several apps or accounts can share one). */
  storageKey?: string;
  /**
   * Browser (cookie) mode: the refresh token stays in the server's HttpOnly cookie and is
   * never stored; requests carry cookies and, when they change state, `x-csrf-token`.
   */
  cookieMode?: boolean;
  clock?: ClientClock;
  random?: RandomSource;
  /** Deadline of each HTTP exchange. */
  timeoutMs?: number;
  /** Sent as `x-tenant-id` (multi-tenant servers). */
  tenant?: string;
  /** Refresh shortly before the access token expires (default true). */
  proactiveRefresh?: boolean;
  /** Cross-tab coordination; defaults to the browser's Web Locks and BroadcastChannel. */
  crossTab?: CrossTabOptions;
}

export interface ResolvedOptions {
  apiBase: string;
  fetch: FetchLike;
  storage: TokenStorage;
  storageKey: string;
  cookieMode: boolean;
  clock: ClientClock;
  random: RandomSource;
  timeoutMs: number;
  headers: Record<string, string>;
  proactiveRefresh: boolean;
  crossTab: CrossTabOptions;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_STORAGE_KEY = 'gatehouse.session';

export function resolveOptions(options: GatehouseClientOptions): ResolvedOptions {
  const platformFetch = globalThis.fetch as FetchLike | undefined;
  const fetch = options.fetch ?? platformFetch?.bind(globalThis);
  if (!fetch) throw new TypeError('No fetch here: pass options.fetch');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError('timeoutMs must be a positive number of milliseconds');
  return {
    apiBase: apiBaseOf(options.baseUrl),
    fetch,
    storage: options.storage ?? memoryStorage(),
    storageKey: options.storageKey ?? DEFAULT_STORAGE_KEY,
    cookieMode: options.cookieMode ?? false,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    timeoutMs,
    headers: options.tenant ? { 'x-tenant-id': options.tenant } : {},
    proactiveRefresh: options.proactiveRefresh ?? true,
    crossTab: options.crossTab ?? {},
  };
}

function apiBaseOf(baseUrl: string): string {
  const url = new URL(baseUrl); // throws on a URL that is not one
  const trimmed = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  return trimmed.endsWith('/api/v1') ? trimmed : `${trimmed}/api/v1`;
}
