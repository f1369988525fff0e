/** Whatever the platform's setTimeout returns (a number in browsers, an object in Node). */
export type TimerHandle = unknown;

/**
 * Time and timers. Injected so tests move time by hand instead of sleeping: request timeouts,
 * backoff waits and the proactive refresh all go through it.
 */
export interface ClientClock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: ClientClock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = globalThis.setTimeout(callback, ms);
    // Node: a scheduled refresh must not keep a script alive that has finished its work.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};

/** Resolves after `ms` on `clock`. */
export function sleep(clock: ClientClock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** A number in [0, 1): jitter, so tabs and clients that woke together do not act together. */
export type RandomSource = () => number;
