import type { StateStore } from './types.js';

/** The StateStore operations a CountingStateStore counts (everything but `kind`, `ping`, `close`). */
export type CountedOperation = Exclude<keyof StateStore, 'kind' | 'ping' | 'close'>;

export interface CountingStateStore {
  /** The wrapped store: same behaviour, every counted call recorded. */
  store: StateStore;
  /** Calls per operation since creation or the last reset. */
  calls(): Partial<Record<CountedOperation, number>>;
  /** All counted calls since creation or the last reset. */
  total(): number;
  reset(): void;
}

const COUNTED = new Set<string>([
  'get',
  'set',
  'delete',
  'take',
  'compareAndSwap',
  'compareAndSwapHead',
  'increment',
  'indexMembers',
  'deleteIndexed',
]);

/**
 * Wraps a StateStore and counts its calls, so tests and benchmarks can state a hot path's
 * command budget (DESIGN.md: "tests count the commands"). One call is one round trip on
 * every backend (Redis `deleteIndexed`/`indexMembers` excepted, which read the index first).
 */
export function countStateStoreCalls(inner: StateStore): CountingStateStore {
  let counts: Partial<Record<CountedOperation, number>> = {};
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!COUNTED.has(property)) return method.bind(target);
      return (...args: unknown[]) => {
        const name = property as CountedOperation;
        counts[name] = (counts[name] ?? 0) + 1;
        return method.apply(target, args);
      };
    },
  });
  return {
    store,
    calls: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    reset: () => {
      counts = {};
    },
  };
}
