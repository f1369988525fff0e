import { isClientSession } from './session-data.js';
import type { ClientSession } from './types.js';

/**
 * Where the client keeps sessions, one per key (several apps or accounts can share a store).
 * Asynchronous so that a file or a database can stand behind it.
 */
export interface TokenStorage {
  get(key: string): Promise<ClientSession | null>;
  set(key: string, session: ClientSession): Promise<void>;
  remove(key: string): Promise<void>;
}

/**
 * The default: the session lives as long as the page or process. With cookie mode this is
 * what a browser app wants — the access token in memory, the refresh token in its cookie.
 */
export function memoryStorage(): TokenStorage {
  const sessions = new Map<string, ClientSession>();
  return {
    get: async (key) => sessions.get(key) ?? null,
    set: async (key, session) => void sessions.set(key, session),
    remove: async (key) => void sessions.delete(key),
  };
}

/** The Web Storage calls the adapter uses (sessionStorage, localStorage, or a test double). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * The browser's sessionStorage: survives a reload of the tab, not the tab. Anything unreadable
 * in it (another app's value, a hand edit) reads as no session.
 */
export function sessionStorageAdapter(target?: WebStorageLike): TokenStorage {
  const store = target ?? (globalThis as { sessionStorage?: WebStorageLike }).sessionStorage;
  if (!store) throw new TypeError('sessionStorage is not available here: pass a storage to the adapter');
  return {
    async get(key) {
      const text = store.getItem(key);
      if (text === null) return null;
      try {
        const value: unknown = JSON.parse(text);
        return isClientSession(value) ? value : null;
      } catch {
        return null;
      }
    },
    set: async (key, session) => store.setItem(key, JSON.stringify(session)),
    remove: async (key) => store.removeItem(key),
  };
}
