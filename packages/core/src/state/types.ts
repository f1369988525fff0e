/**
 * The StateStore port: hot, expiring, atomic state (sessions, refresh families,
 * one-time challenges, rate-limit counters, replay caches).
 *
 * Every key expires: the port has no "forever". Values are strings (callers
 * encode JSON). Every operation is atomic on its backend; the multi-key ones
 * (`index`, `deleteIndexed`) require that the key and its index share one Redis
 * Cluster hash slot, which `stateKeys.user()` guarantees with a `{...}` hash tag.
 *
 * Backend failures surface as `BackendUnavailableError` so callers fail closed.
 */
export interface StateStore {
  /** 'memory' | 'sql' | 'redis' | 'redis-cluster' */
  readonly kind: StateStoreKind;

  /** The live value, or null when absent or expired. */
  get(key: string): Promise<string | null>;

  /** Writes the value with a TTL. With `ifAbsent`, only when no live value exists; returns whether it wrote. */
  set(key: string, value: string, options: SetOptions): Promise<boolean>;

  /** Deletes the key (and its entry in `index`); returns whether a live value was removed. */
  delete(key: string, options?: IndexOption): Promise<boolean>;

  /** Get-and-delete: of any number of concurrent callers, exactly one receives the value. */
  take(key: string, options?: IndexOption): Promise<string | null>;

  /**
   * Replaces the value only if it still equals `expected` (rotation). Of concurrent
   * callers with the same `expected`, exactly one wins. A loser gets the current value
   * (or null when the key is gone) in the same round trip, so it can tell a race from a replay.
   */
  compareAndSwap(
    key: string,
    expected: string,
    next: string,
    options: SetOptions,
  ): Promise<CompareAndSwapResult>;

  /**
   * Rotation of a `<head>\n<body>` value in one round trip (one Lua script on Redis, one
   * statement on SQL). The head is the text before the first `\n` (the whole value when it
   * has none); the body is everything from that `\n` on and is never changed.
   *
   * If the key is live and its head starts with `expectedHeadPrefix`, the head becomes
   * `nextHead` (which must not contain `\n`), the TTL becomes `ttlMs`, the key is (re)recorded
   * in `index`, and the whole new value is returned. Otherwise nothing changes and the current
   * value (null when absent or expired) is returned, so a loser can tell a race from a replay
   * without another call. Of concurrent callers with the same prefix, exactly one wins.
   *
   * With `history`, the head's last space-separated field is treated as a bounded list
   * (comma-separated, `-` when empty): the new head is `nextHead + ' ' + list`, where list is
   * `history.entry` followed by the old head's entries, the first `history.max` kept. This
   * lets a rotation remember what it rotated away without reading the value first.
   */
  compareAndSwapHead(
    key: string,
    expectedHeadPrefix: string,
    nextHead: string,
    options: SwapHeadOptions,
  ): Promise<CompareAndSwapHeadResult>;

  /**
   * Fixed-window counter: adds `by` (default 1). The first increment of a window
   * sets the TTL; later ones keep it. Returns the new value and the window's remaining TTL.
   */
  increment(key: string, options: IncrementOptions): Promise<CounterState>;

  /** Live keys recorded in an index (expired and deleted ones never appear). */
  indexMembers(index: string): Promise<string[]>;

  /** Deletes every key recorded in the index and the index itself; returns how many live keys went. */
  deleteIndexed(index: string): Promise<number>;

  /** Throws BackendUnavailableError when the backend cannot answer. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

export type StateStoreKind = 'memory' | 'sql' | 'redis' | 'redis-cluster';

export interface IndexOption {
  /** A per-user index key this key is recorded in (same hash slot as the key). */
  index?: string;
}

export interface SetOptions extends IndexOption {
  /** Time to live in milliseconds; a positive integer. */
  ttlMs: number;
  ifAbsent?: boolean;
}

export interface IncrementOptions {
  ttlMs: number;
  by?: number;
}

export interface CounterState {
  value: number;
  ttlMs: number;
}

export type CompareAndSwapResult = { swapped: true } | { swapped: false; current: string | null };

export interface SwapHeadOptions extends IndexOption {
  /** Time to live in milliseconds; a positive integer. */
  ttlMs: number;
  /** A bounded list kept in the head's last field (see `compareAndSwapHead`). */
  history?: HeadHistory;
}

export interface HeadHistory {
  /** Pushed first; non-empty, without space, comma or newline. */
  entry: string;
  /** Entries kept at most (entry included); a positive integer. */
  max: number;
}

export type CompareAndSwapHeadResult =
  { swapped: true; value: string } | { swapped: false; current: string | null };
