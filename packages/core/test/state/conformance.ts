import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../../src/errors/auth-error.js';
import { stateKeys } from '../../src/state/index.js';
import { atomicConformance } from './conformance-atomic.js';
import { headConformance } from './conformance-head.js';
import { indexConformance } from './conformance-index.js';
import {
  CALLERS,
  LONG_TTL,
  OUTLAST,
  SHORT_TTL,
  type ConformanceContext,
  type StateStoreFactory,
  type StateStoreHarness,
} from './harness.js';

export type { StateStoreFactory, StateStoreHarness } from './harness.js';

/** The StateStore contract (`src/state/types.ts`), run against every backend. */
export function runStateStoreConformance(name: string, factory: StateStoreFactory): void {
  describe(`StateStore conformance: ${name}`, () => {
    let harness: StateStoreHarness | undefined;
    // A fresh namespace per test, so runs and tests can share one server.
    let namespace = '';
    beforeAll(async () => {
      harness = await factory();
    });
    afterAll(() => harness?.close());
    beforeEach(() => {
      namespace = `t${randomBytes(6).toString('hex')}`;
    });
    const ctx: ConformanceContext = {
      store: () => harness!.store,
      elapse: (ms) => harness!.elapse(ms),
      key: (...parts) => stateKeys.global(namespace, ...parts),
      userKey: (user, ...parts) => stateKeys.user(namespace, user, ...parts),
      factory,
    };
    keyValueConformance(ctx);
    atomicConformance(ctx);
    headConformance(ctx);
    indexConformance(ctx);
  });
}

function keyValueConformance(ctx: ConformanceContext): void {
  const { store, key, elapse } = ctx;
  const ttl = { ttlMs: LONG_TTL };

  describe('get / set / delete / take', () => {
    it('get returns null for a missing key', async () => {
      expect(await store().get(key('missing'))).toBeNull();
    });

    it('set writes, overwrite replaces the value', async () => {
      const k = key('a');
      expect(await store().set(k, 'one', ttl)).toBe(true);
      expect(await store().get(k)).toBe('one');
      expect(await store().set(k, 'two', ttl)).toBe(true);
      expect(await store().get(k)).toBe('two');
    });

    it('a value expires after its TTL', async () => {
      const k = key('short');
      await store().set(k, 'v', { ttlMs: SHORT_TTL });
      expect(await store().get(k)).toBe('v');
      await elapse(OUTLAST);
      expect(await store().get(k)).toBeNull();
    });

    it('an overwrite replaces the TTL', async () => {
      const k = key('renewed');
      await store().set(k, 'v1', { ttlMs: SHORT_TTL });
      await store().set(k, 'v2', ttl);
      await elapse(OUTLAST);
      expect(await store().get(k)).toBe('v2');
    });

    it('ifAbsent writes only when no live value exists, including over an expired one', async () => {
      const k = key('once');
      expect(await store().set(k, 'first', { ...ttl, ifAbsent: true })).toBe(true);
      expect(await store().set(k, 'second', { ...ttl, ifAbsent: true })).toBe(false);
      expect(await store().get(k)).toBe('first');
      const expiring = key('expiring');
      await store().set(expiring, 'old', { ttlMs: SHORT_TTL });
      await elapse(OUTLAST);
      expect(await store().set(expiring, 'new', { ...ttl, ifAbsent: true })).toBe(true);
      expect(await store().get(expiring)).toBe('new');
    });

    it('delete reports whether a live value was removed', async () => {
      const k = key('gone');
      await store().set(k, 'v', ttl);
      expect(await store().delete(k)).toBe(true);
      expect(await store().get(k)).toBeNull();
      expect(await store().delete(k)).toBe(false);
      const expired = key('expired');
      await store().set(expired, 'v', { ttlMs: SHORT_TTL });
      await elapse(OUTLAST);
      expect(await store().delete(expired)).toBe(false);
    });

    it('take returns the value once, and never an expired one', async () => {
      const k = key('code');
      await store().set(k, 'v', ttl);
      expect(await store().take(k)).toBe('v');
      expect(await store().take(k)).toBeNull();
      expect(await store().get(k)).toBeNull();
      const expired = key('expired');
      await store().set(expired, 'v', { ttlMs: SHORT_TTL });
      await elapse(OUTLAST);
      expect(await store().take(expired)).toBeNull();
    });

    it(`take gives the value to exactly one of ${CALLERS} concurrent callers`, async () => {
      const k = key('one-time');
      await store().set(k, 'secret', ttl);
      const results = await Promise.all(Array.from({ length: CALLERS }, () => store().take(k)));
      expect(results.filter((r) => r !== null)).toEqual(['secret']);
    });

    it('values round-trip unchanged: empty, unicode, JSON, 64 KiB', async () => {
      const large = `${randomBytes(48 * 1024).toString('base64')}€🔐`.slice(0, 64 * 1024);
      const values = [
        '',
        'héllo wörld — 日本語 · Ελληνικά · 🔐🧪 👩‍💻 é',
        JSON.stringify({
          quote: '"',
          backslash: '\\',
          newline: '\n',
          tab: '\t',
          nested: { list: [1, null, true] },
        }),
        large,
      ];
      for (const [i, value] of values.entries()) {
        await store().set(key('value', String(i)), value, ttl);
        expect(await store().get(key('value', String(i)))).toBe(value);
      }
      expect(await store().take(key('value', '3'))).toBe(large);
    });

    it('ping answers', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });
  });

  describe('arguments and lifecycle', () => {
    it('rejects TTLs that are not positive integers with TypeError, writing nothing', async () => {
      const k = key('bad-ttl');
      for (const ttlMs of [0, -1, Number.NaN, 1.5, Number.POSITIVE_INFINITY]) {
        await expect(store().set(k, 'v', { ttlMs })).rejects.toBeInstanceOf(TypeError);
        await expect(store().compareAndSwap(k, 'v', 'w', { ttlMs })).rejects.toBeInstanceOf(TypeError);
        await expect(store().increment(k, { ttlMs })).rejects.toBeInstanceOf(TypeError);
      }
      expect(await store().get(k)).toBeNull();
    });

    it("rejects an index outside the key's hash slot with TypeError", async () => {
      const k = ctx.userKey('alice', 'session', 's1');
      const othersIndex = ctx.userKey('bob', 'sessions');
      await expect(store().set(k, 'v', { ttlMs: LONG_TTL, index: othersIndex })).rejects.toBeInstanceOf(
        TypeError,
      );
      await expect(
        store().set(key('global'), 'v', { ttlMs: LONG_TTL, index: key('index') }),
      ).rejects.toBeInstanceOf(TypeError);
      expect(await store().get(k)).toBeNull();
    });

    it('fails closed after close(), and close() is idempotent', async () => {
      const own = await ctx.factory();
      await own.store.close();
      await expect(own.store.get(key('after-close'))).rejects.toBeInstanceOf(BackendUnavailableError);
      await expect(own.store.set(key('after-close'), 'v', ttl)).rejects.toBeInstanceOf(
        BackendUnavailableError,
      );
      await own.close();
    });
  });
}
