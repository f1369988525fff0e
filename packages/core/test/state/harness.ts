import type { StateStore } from '../../src/state/index.js';

/** One backend under test. */
export interface StateStoreHarness {
  store: StateStore;
  /** Lets `ms` pass: advances the injected clock, or sleeps where the backend keeps its own time (Redis). */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

export type StateStoreFactory = () => Promise<StateStoreHarness>;

/** What the conformance groups share: the suite's store and per-test unique keys. */
export interface ConformanceContext {
  store(): StateStore;
  elapse(ms: number): Promise<void>;
  /** A key of its own slot, unique to the running test. */
  key(...parts: string[]): string;
  /** A key in `user`'s hash slot, unique to the running test. */
  userKey(user: string, ...parts: string[]): string;
  factory: StateStoreFactory;
}

/** A TTL short enough to wait out for real on Redis, and a wait that safely outlasts it. */
export const SHORT_TTL = 150;
export const OUTLAST = 400;
export const LONG_TTL = 60_000;
export const CALLERS = 50;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
