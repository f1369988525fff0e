import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../../src/errors/auth-error.js';
import { CALLERS, LONG_TTL, OUTLAST, SHORT_TTL, type ConformanceContext } from './harness.js';

/** compareAndSwap (rotation) and increment (fixed-window counters). */
export function atomicConformance(ctx: ConformanceContext): void {
  const { store, key, elapse } = ctx;
  const ttl = { ttlMs: LONG_TTL };

  describe('compareAndSwap', () => {
    it('swaps when the value still equals expected', async () => {
      const k = key('family');
      await store().set(k, 'v1', ttl);
      expect(await store().compareAndSwap(k, 'v1', 'v2', ttl)).toEqual({ swapped: true });
      expect(await store().get(k)).toBe('v2');
    });

    it('tells a loser the current value and changes nothing', async () => {
      const k = key('family');
      await store().set(k, 'v2', ttl);
      expect(await store().compareAndSwap(k, 'v1', 'x', ttl)).toEqual({ swapped: false, current: 'v2' });
      expect(await store().get(k)).toBe('v2');
    });

    it('reports current null for a missing or expired key and creates nothing', async () => {
      const missing = key('missing');
      expect(await store().compareAndSwap(missing, 'v1', 'v2', ttl)).toEqual({
        swapped: false,
        current: null,
      });
      expect(await store().get(missing)).toBeNull();
      const expired = key('expired');
      await store().set(expired, 'v1', { ttlMs: SHORT_TTL });
      await elapse(OUTLAST);
      expect(await store().compareAndSwap(expired, 'v1', 'v2', ttl)).toEqual({
        swapped: false,
        current: null,
      });
      expect(await store().get(expired)).toBeNull();
    });

    it('gives the swapped value the new TTL', async () => {
      const k = key('rotated');
      await store().set(k, 'v1', ttl);
      await store().compareAndSwap(k, 'v1', 'v2', { ttlMs: SHORT_TTL });
      expect(await store().get(k)).toBe('v2');
      await elapse(OUTLAST);
      expect(await store().get(k)).toBeNull();
    });

    it(`has exactly one winner among ${CALLERS} concurrent callers; losers get the winner's value`, async () => {
      const k = key('race');
      await store().set(k, 'token-0', ttl);
      const results = await Promise.all(
        Array.from({ length: CALLERS }, (_, i) => store().compareAndSwap(k, 'token-0', `token-1-${i}`, ttl)),
      );
      const winners = results.flatMap((result, i) => (result.swapped ? [`token-1-${i}`] : []));
      expect(winners).toHaveLength(1);
      const current = await store().get(k);
      expect(current).toBe(winners[0]);
      expect(results.filter((r) => !r.swapped)).toEqual(Array(CALLERS - 1).fill({ swapped: false, current }));
    });

    it('follows a chain of rotations, and a replayed old value loses to the latest', async () => {
      const k = key('chain');
      await store().set(k, 'r0', ttl);
      for (let i = 1; i <= 20; i++) {
        expect(await store().compareAndSwap(k, `r${i - 1}`, `r${i}`, ttl)).toEqual({ swapped: true });
      }
      expect(await store().compareAndSwap(k, 'r3', 'stolen', ttl)).toEqual({
        swapped: false,
        current: 'r20',
      });
      expect(await store().get(k)).toBe('r20');
    });
  });

  describe('increment', () => {
    it('counts from 1 and adds `by`', async () => {
      const k = key('counter');
      expect((await store().increment(k, ttl)).value).toBe(1);
      expect((await store().increment(k, ttl)).value).toBe(2);
      expect((await store().increment(k, { ...ttl, by: 5 })).value).toBe(7);
      expect(await store().get(k)).toBe('7');
    });

    it(`is exact under ${CALLERS} concurrent callers`, async () => {
      const k = key('burst');
      const results = await Promise.all(Array.from({ length: CALLERS }, () => store().increment(k, ttl)));
      expect(results.map((r) => r.value).sort((a, b) => a - b)).toEqual(
        Array.from({ length: CALLERS }, (_, i) => i + 1),
      );
      expect(await store().get(k)).toBe(String(CALLERS));
    });

    it('rejects a non-integer value as a bug, not as an outage', async () => {
      const k = key('not-a-counter');
      await store().set(k, 'hello', ttl);
      const failure = await store()
        .increment(k, ttl)
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      expect(failure).not.toBeInstanceOf(BackendUnavailableError);
      expect(await store().get(k)).toBe('hello');
    });

    it('keeps a fixed window: later increments never extend it; the next window starts at 1', async () => {
      const k = key('window');
      const window = { ttlMs: 1_000 };
      const first = await store().increment(k, window);
      expect(first).toEqual({ value: 1, ttlMs: 1_000 });
      await elapse(300);
      const second = await store().increment(k, window);
      expect(second.value).toBe(2);
      expect(second.ttlMs).toBeGreaterThan(0);
      expect(second.ttlMs).toBeLessThanOrEqual(first.ttlMs - 250);
      await elapse(800);
      expect(await store().get(k)).toBeNull();
      expect(await store().increment(k, window)).toEqual({ value: 1, ttlMs: 1_000 });
    });
  });
}
