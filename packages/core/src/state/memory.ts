import { configDefaults } from '../config/defaults.js';
import { BackendUnavailableError } from '../errors/auth-error.js';
import { systemClock, type Clock } from '../util/clock.js';
import { assertHeadSwap, assertIndexFor, assertStep, assertTtl, swapHead } from './validate.js';
import type {
  CompareAndSwapHeadResult,
  CompareAndSwapResult,
  CounterState,
  IncrementOptions,
  IndexOption,
  SetOptions,
  StateStore,
  SwapHeadOptions,
} from './types.js';

export interface MemoryStateStoreOptions {
  clock?: Clock;
  /** How often expired entries are dropped even if nobody reads them (config `storage.stateSweepIntervalMs`). */
  cleanupIntervalMs?: number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * A single-process StateStore for tests and one-instance setups. Every method runs
 * synchronously between awaits, so each operation is atomic without locks.
 *
 * Index membership means "recorded in the index and the key is live": a key rewritten
 * without `index` stays listed while it lives, whatever TTL the rewrite gave it.
 */
export class MemoryStateStore implements StateStore {
  readonly kind = 'memory' as const;
  private readonly clock: Clock;
  private readonly entries = new Map<string, Entry>();
  /** index → member → the member's expiry when it was last recorded (a sweep hint). */
  private readonly indexes = new Map<string, Map<string, number>>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(options: MemoryStateStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.timer = setInterval(
      () => this.sweep(),
      options.cleanupIntervalMs ?? configDefaults.storage.stateSweepIntervalMs,
    );
    // A cache must never be the reason a process stays alive.
    this.timer.unref();
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, options: SetOptions): Promise<boolean> {
    const ttlMs = assertTtl(options.ttlMs);
    assertIndexFor(key, options.index);
    if (options.ifAbsent && this.live(key)) return false;
    this.write(key, value, ttlMs, options.index);
    return true;
  }

  async delete(key: string, options: IndexOption = {}): Promise<boolean> {
    assertIndexFor(key, options.index);
    const existed = this.live(key) !== undefined;
    this.remove(key, options.index);
    return existed;
  }

  async take(key: string, options: IndexOption = {}): Promise<string | null> {
    assertIndexFor(key, options.index);
    const entry = this.live(key);
    this.remove(key, options.index);
    return entry?.value ?? null;
  }

  async compareAndSwap(
    key: string,
    expected: string,
    next: string,
    options: SetOptions,
  ): Promise<CompareAndSwapResult> {
    const ttlMs = assertTtl(options.ttlMs);
    assertIndexFor(key, options.index);
    const current = this.live(key)?.value ?? null;
    if (current !== expected) return { swapped: false, current };
    this.write(key, next, ttlMs, options.index);
    return { swapped: true };
  }

  async compareAndSwapHead(
    key: string,
    expectedHeadPrefix: string,
    nextHead: string,
    options: SwapHeadOptions,
  ): Promise<CompareAndSwapHeadResult> {
    const ttlMs = assertTtl(options.ttlMs);
    assertIndexFor(key, options.index);
    assertHeadSwap(expectedHeadPrefix, nextHead, options.history);
    const current = this.live(key)?.value ?? null;
    const value = current === null ? null : swapHead(current, expectedHeadPrefix, nextHead, options.history);
    if (value === null) return { swapped: false, current };
    this.write(key, value, ttlMs, options.index);
    return { swapped: true, value };
  }

  async increment(key: string, options: IncrementOptions): Promise<CounterState> {
    const ttlMs = assertTtl(options.ttlMs);
    const by = assertStep(options.by ?? 1);
    const entry = this.live(key);
    if (!entry) {
      this.write(key, String(by), ttlMs, undefined);
      return { value: by, ttlMs };
    }
    const value = parseCounter(key, entry.value) + by;
    entry.value = String(value); // the window's expiry stays: fixed window
    return { value, ttlMs: entry.expiresAt - this.clock.now() };
  }

  async indexMembers(index: string): Promise<string[]> {
    this.assertOpen();
    const members = this.indexes.get(index);
    if (!members) return [];
    const live: string[] = [];
    for (const member of members.keys()) {
      if (this.live(member)) live.push(member);
      else members.delete(member);
    }
    if (members.size === 0) this.indexes.delete(index);
    return live;
  }

  async deleteIndexed(index: string): Promise<number> {
    this.assertOpen();
    let removed = 0;
    for (const member of this.indexes.get(index)?.keys() ?? []) {
      if (this.live(member)) removed++;
      this.entries.delete(member);
    }
    this.indexes.delete(index);
    return removed;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.entries.clear();
    this.indexes.clear();
  }

  /** Drops expired entries and index members whose key is gone; returns how many entries went. */
  sweep(): number {
    const now = this.clock.now();
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(key);
        removed++;
      }
    }
    for (const [index, members] of this.indexes) {
      for (const [member, recordedExpiry] of members) {
        // A member past its recorded expiry may have been rewritten without `index`: keep it while it lives.
        if (recordedExpiry <= now && !this.entries.has(member)) members.delete(member);
      }
      if (members.size === 0) this.indexes.delete(index);
    }
    return removed;
  }

  /** The live entry, dropping an expired one on the way (lazy expiry). */
  private live(key: string): Entry | undefined {
    this.assertOpen();
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.clock.now()) return entry;
    this.entries.delete(key);
    return undefined;
  }

  private write(key: string, value: string, ttlMs: number, index: string | undefined): void {
    this.assertOpen();
    const expiresAt = this.clock.now() + ttlMs;
    this.entries.set(key, { value, expiresAt });
    if (index === undefined) return;
    let members = this.indexes.get(index);
    if (!members) this.indexes.set(index, (members = new Map()));
    members.set(key, expiresAt);
  }

  private remove(key: string, index: string | undefined): void {
    this.entries.delete(key);
    if (index === undefined) return;
    const members = this.indexes.get(index);
    members?.delete(key);
    if (members?.size === 0) this.indexes.delete(index);
  }

  private assertOpen(): void {
    // Fail closed like the network backends do after close(), instead of answering "absent".
    if (this.closed) throw new BackendUnavailableError('stateStore', new Error('MemoryStateStore is closed'));
  }
}

function parseCounter(key: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed))
    throw new Error(`StateStore key ${key} does not hold an integer counter`);
  return parsed;
}
