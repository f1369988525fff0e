import type { HeadHistory } from './types.js';

/**
 * Argument checks shared by every StateStore backend, so a caller's mistake fails
 * the same way on the in-memory store in a unit test as on Redis Cluster in production.
 */

/** TTLs are positive integer milliseconds: the port has no "forever" and no "already expired". */
export function assertTtl(ttlMs: number): number {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new TypeError(`StateStore ttlMs must be a positive integer of milliseconds, got ${String(ttlMs)}`);
  }
  return ttlMs;
}

/** Counter steps are integers (Redis INCRBY, SQL bigint arithmetic). */
export function assertStep(by: number): number {
  if (!Number.isSafeInteger(by)) {
    throw new TypeError(`StateStore increment step must be an integer, got ${String(by)}`);
  }
  return by;
}

/**
 * The part of a key Redis Cluster hashes: the first non-empty `{...}`, else the whole key.
 * Same tag ⇒ same slot, which is what the index scripts need.
 */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/**
 * A key and its index are changed by one script, so on Redis Cluster they must share a
 * slot. Every backend enforces it, so a wrong key fails in tests instead of in production.
 */
export function assertIndexFor(key: string, index: string | undefined): void {
  if (index === undefined) return;
  if (index === key) throw new TypeError(`A StateStore key cannot be its own index: ${key}`);
  if (hashTag(index) !== hashTag(key)) {
    throw new TypeError(`StateStore index ${index} must share the hash tag of ${key} (use stateKeys.user)`);
  }
}

/** `compareAndSwapHead` arguments: a head is one line; a history entry is one list item. */
export function assertHeadSwap(expectedHeadPrefix: string, nextHead: string, history?: HeadHistory): void {
  if (expectedHeadPrefix.includes('\n') || nextHead.includes('\n')) {
    throw new TypeError('StateStore head prefix and next head must not contain a newline');
  }
  if (history === undefined) return;
  if (history.entry.length === 0 || /[ ,\n]/.test(history.entry)) {
    throw new TypeError(`StateStore head history entry must be non-empty without space, comma or newline`);
  }
  if (!Number.isSafeInteger(history.max) || history.max < 1) {
    throw new TypeError(`StateStore head history max must be a positive integer, got ${String(history.max)}`);
  }
}

/**
 * The reference semantics of `compareAndSwapHead` for one value (the Memory backend uses it;
 * the Lua and SQL versions must agree): the new value, or null when the head does not match.
 */
export function swapHead(
  current: string,
  expectedHeadPrefix: string,
  nextHead: string,
  history?: HeadHistory,
): string | null {
  const newline = current.indexOf('\n');
  const head = newline === -1 ? current : current.slice(0, newline);
  if (!head.startsWith(expectedHeadPrefix)) return null;
  const body = newline === -1 ? '' : current.slice(newline);
  if (history === undefined) return nextHead + body;
  const space = head.lastIndexOf(' ');
  const old = space === -1 ? '' : head.slice(space + 1);
  const entries = [history.entry, ...(old === '-' ? [] : old.split(',').filter(Boolean))];
  return `${nextHead} ${entries.slice(0, history.max).join(',')}${body}`;
}
