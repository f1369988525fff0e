import { BackendUnavailableError } from '../errors/auth-error.js';
import { isDatabaseUnavailable } from '../database/unavailable.js';
import type { SqlClient } from '../database/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import * as q from './sql-statements.js';
import { assertHeadSwap, assertIndexFor, assertStep, assertTtl } from './validate.js';
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

export interface SqlStateStoreOptions {
  /** The database's raw query surface (`Database.sql`); the store never closes it. */
  sql: SqlClient;
  clock?: Clock;
  /** When set, expired rows are swept on this interval (unref'd). Omit to call `sweep()` yourself. */
  sweepIntervalMs?: number;
}

const SWEEP_BATCH = 1_000;
/** deadlock_detected, serialization_failure: PostgreSQL rolled the statement back, so running it again is safe. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 3;

/**
 * The StateStore on PostgreSQL or PGlite (tables `state_entries`, `state_index`). Used when
 * no Redis is configured. Expired rows are invisible at once (every read compares with
 * the clock) and deleted later by `sweep()`.
 */
export class SqlStateStore implements StateStore {
  readonly kind = 'sql' as const;
  private readonly sql: SqlClient;
  private readonly clock: Clock;
  private readonly timer: NodeJS.Timeout | undefined;
  private sweeping = false;
  private closed = false;

  constructor(options: SqlStateStoreOptions) {
    this.sql = options.sql;
    this.clock = options.clock ?? systemClock;
    if (options.sweepIntervalMs) {
      this.timer = setInterval(() => void this.backgroundSweep(), options.sweepIntervalMs);
      this.timer.unref();
    }
  }

  async get(key: string): Promise<string | null> {
    const rows = await this.query<{ value: string }>(q.GET, [key, this.now()]);
    return rows[0]?.value ?? null;
  }

  async set(key: string, value: string, options: SetOptions): Promise<boolean> {
    const expiresAt = this.expiry(options.ttlMs);
    assertIndexFor(key, options.index);
    const params = [key, value, expiresAt, this.now(), options.ifAbsent === true];
    const rows = options.index
      ? await this.query<Count>(q.SET_INDEXED, [...params, options.index])
      : await this.query<Count>(q.SET, params);
    return count(rows) === 1;
  }

  async delete(key: string, options: IndexOption = {}): Promise<boolean> {
    assertIndexFor(key, options.index);
    const rows = options.index
      ? await this.query<Count>(q.DELETE_INDEXED, [key, this.now(), options.index])
      : await this.query<Count>(q.DELETE, [key, this.now()]);
    return count(rows) === 1;
  }

  async take(key: string, options: IndexOption = {}): Promise<string | null> {
    assertIndexFor(key, options.index);
    const rows = options.index
      ? await this.query<{ value: string }>(q.TAKE_INDEXED, [key, this.now(), options.index])
      : await this.query<{ value: string }>(q.TAKE, [key, this.now()]);
    return rows[0]?.value ?? null;
  }

  async compareAndSwap(
    key: string,
    expected: string,
    next: string,
    options: SetOptions,
  ): Promise<CompareAndSwapResult> {
    const expiresAt = this.expiry(options.ttlMs);
    assertIndexFor(key, options.index);
    const params = [key, expected, next, expiresAt, this.now()];
    const rows = options.index
      ? await this.query<Count>(q.COMPARE_AND_SWAP_INDEXED, [...params, options.index])
      : await this.query<Count>(q.COMPARE_AND_SWAP, params);
    if (count(rows) === 1) return { swapped: true };
    // A second statement on purpose: its fresh snapshot sees the winner's committed value,
    // which a SELECT inside the UPDATE's statement (old snapshot) would not.
    return { swapped: false, current: await this.get(key) };
  }

  async compareAndSwapHead(
    key: string,
    expectedHeadPrefix: string,
    nextHead: string,
    options: SwapHeadOptions,
  ): Promise<CompareAndSwapHeadResult> {
    const expiresAt = this.expiry(options.ttlMs);
    assertIndexFor(key, options.index);
    assertHeadSwap(expectedHeadPrefix, nextHead, options.history);
    const { history } = options;
    const rows = await this.query<{ next: string | null; current: string | null }>(q.COMPARE_AND_SWAP_HEAD, [
      key,
      expectedHeadPrefix,
      nextHead,
      expiresAt,
      this.now(),
      options.index ?? null,
      history?.entry ?? null,
      history?.max ?? 1,
    ]);
    const row = rows[0];
    if (row?.next != null) return { swapped: true, value: row.next };
    return { swapped: false, current: row?.current ?? null };
  }

  async increment(key: string, options: IncrementOptions): Promise<CounterState> {
    const by = assertStep(options.by ?? 1);
    const now = this.now();
    const rows = await this.query<{ value: string; expires_at: string | number }>(q.INCREMENT, [
      key,
      by,
      now + assertTtl(options.ttlMs),
      now,
    ]);
    const row = rows[0];
    if (!row) throw new Error('StateStore increment returned no row');
    // pg returns bigint columns as strings.
    return { value: Number(row.value), ttlMs: Number(row.expires_at) - now };
  }

  async indexMembers(index: string): Promise<string[]> {
    const rows = await this.query<{ member: string }>(q.INDEX_MEMBERS, [index, this.now()]);
    return rows.map((row) => row.member);
  }

  async deleteIndexed(index: string): Promise<number> {
    return count(await this.query<Count>(q.DELETE_INDEXED_KEYS, [index, this.now()]));
  }

  async ping(): Promise<void> {
    await this.query(q.PING, []);
  }

  /** Stops the sweeper. The database belongs to the caller and stays open. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Deletes expired entries and index rows whose key is gone; returns how many rows went. */
  async sweep(): Promise<{ entries: number; indexMembers: number }> {
    const now = this.now();
    return {
      entries: await this.drain(q.SWEEP_ENTRIES, now),
      indexMembers: await this.drain(q.SWEEP_INDEX, now),
    };
  }

  private async drain(statement: string, now: number): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = count(await this.query<Count>(statement, [now, SWEEP_BATCH]));
      total += removed;
      if (removed < SWEEP_BATCH) return total;
    }
  }

  /** The interval's sweep: never overlapping, never an unhandled rejection (the next tick retries). */
  private async backgroundSweep(): Promise<void> {
    if (this.sweeping || this.closed) return;
    this.sweeping = true;
    try {
      await this.sweep();
    } catch {
      // The database is down or busy; reads already ignore expired rows, so nothing is wrong meanwhile.
    } finally {
      this.sweeping = false;
    }
  }

  private async query<R>(text: string, params: unknown[]): Promise<R[]> {
    if (this.closed) throw new BackendUnavailableError('stateStore', new Error('SqlStateStore is closed'));
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.sql.query<R>(text, params)).rows;
      } catch (error) {
        if (attempt < MAX_ATTEMPTS && RETRYABLE.has(sqlState(error))) continue;
        throw asStateStoreError(error);
      }
    }
  }

  private now(): number {
    // bigint columns reject fractions; a custom clock might return them.
    return Math.floor(this.clock.now());
  }

  private expiry(ttlMs: number): number {
    return this.now() + assertTtl(ttlMs);
  }
}

type Count = { n: number };

const count = (rows: Count[]): number => Number(rows[0]?.n ?? 0);

const sqlState = (error: unknown): string => String((error as { code?: unknown } | null)?.code ?? '');

/** The database's guard reports its own name; callers of this port expect 'stateStore'. */
function asStateStoreError(error: unknown): unknown {
  if (error instanceof BackendUnavailableError)
    return new BackendUnavailableError('stateStore', error.cause ?? error);
  if (isDatabaseUnavailable(error)) return new BackendUnavailableError('stateStore', error);
  return error;
}
