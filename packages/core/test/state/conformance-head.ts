import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { swapHead } from '../../src/state/validate.js';
import { CALLERS, LONG_TTL, OUTLAST, SHORT_TTL, type ConformanceContext } from './harness.js';

const BODY = '{"v":1,"name":"héllo wörld 🔐","nested":{"quote":"\\"","newline":"\\n"}}\nsecond line\n';

/** compareAndSwapHead: one-round-trip rotation of a `<head>\n<body>` value. */
export function headConformance(ctx: ConformanceContext): void {
  const { store, key, userKey, elapse } = ctx;
  const ttl = { ttlMs: LONG_TTL };

  describe('compareAndSwapHead', () => {
    it('replaces a matching head, keeps the body byte for byte and returns the new value', async () => {
      const k = key('session');
      await store().set(k, `h0 prev 0\n${BODY}`, ttl);
      const result = await store().compareAndSwapHead(k, 'h0 ', 'h1 h0 42', ttl);
      expect(result).toEqual({ swapped: true, value: `h1 h0 42\n${BODY}` });
      expect(await store().get(k)).toBe(`h1 h0 42\n${BODY}`);
    });

    it('matches the prefix against the head only, never the body', async () => {
      const k = key('session');
      await store().set(k, 'h0\nh1 in the body', ttl);
      expect(await store().compareAndSwapHead(k, 'h1', 'x', ttl)).toEqual({
        swapped: false,
        current: 'h0\nh1 in the body',
      });
      expect(await store().compareAndSwapHead(k, 'h0', 'h2', ttl)).toEqual({
        swapped: true,
        value: 'h2\nh1 in the body',
      });
    });

    it('treats a value without a newline as all head, and an empty prefix as matching any head', async () => {
      const k = key('flat');
      await store().set(k, 'alpha beta', ttl);
      expect(await store().compareAndSwapHead(k, 'alpha', 'gamma', ttl)).toEqual({
        swapped: true,
        value: 'gamma',
      });
      expect(await store().compareAndSwapHead(k, '', 'delta', ttl)).toEqual({
        swapped: true,
        value: 'delta',
      });
    });

    it('tells a loser the current value and changes nothing', async () => {
      const k = key('session');
      await store().set(k, `h2 h1\n${BODY}`, { ttlMs: SHORT_TTL });
      expect(await store().compareAndSwapHead(k, 'h1 ', 'stolen', ttl)).toEqual({
        swapped: false,
        current: `h2 h1\n${BODY}`,
      });
      await elapse(OUTLAST); // the loser did not extend the TTL either
      expect(await store().get(k)).toBeNull();
    });

    it('reports current null for a missing or expired key and creates nothing', async () => {
      const missing = key('missing');
      expect(await store().compareAndSwapHead(missing, 'h0', 'h1', ttl)).toEqual({
        swapped: false,
        current: null,
      });
      expect(await store().get(missing)).toBeNull();
      const expired = key('expired');
      await store().set(expired, `h0\n${BODY}`, { ttlMs: SHORT_TTL });
      await elapse(OUTLAST);
      expect(await store().compareAndSwapHead(expired, 'h0', 'h1', ttl)).toEqual({
        swapped: false,
        current: null,
      });
      expect(await store().get(expired)).toBeNull();
    });

    it('applies the new TTL, shorter or longer than the old one', async () => {
      const shortened = key('shortened');
      await store().set(shortened, `h0\n${BODY}`, ttl);
      await store().compareAndSwapHead(shortened, 'h0', 'h1', { ttlMs: SHORT_TTL });
      const lengthened = key('lengthened');
      await store().set(lengthened, `h0\n${BODY}`, { ttlMs: SHORT_TTL });
      await store().compareAndSwapHead(lengthened, 'h0', 'h1', ttl);
      await elapse(OUTLAST);
      expect(await store().get(shortened)).toBeNull();
      expect(await store().get(lengthened)).toBe(`h1\n${BODY}`);
    });

    it(`has exactly one winner among ${CALLERS} concurrent callers; losers get the winner's value`, async () => {
      const k = key('race');
      await store().set(k, `token-0 - 0\n${BODY}`, ttl);
      const results = await Promise.all(
        Array.from({ length: CALLERS }, (_, i) =>
          store().compareAndSwapHead(k, 'token-0 ', `token-1-${i} token-0 ${i}`, ttl),
        ),
      );
      const winners = results.flatMap((result) => (result.swapped ? [result.value] : []));
      expect(winners).toHaveLength(1);
      const current = await store().get(k);
      expect(current).toBe(winners[0]);
      expect(current?.endsWith(`\n${BODY}`)).toBe(true);
      expect(results.filter((r) => !r.swapped)).toEqual(Array(CALLERS - 1).fill({ swapped: false, current }));
    });

    it('refreshes the index entry: a rotated key stays listed past its first TTL', async () => {
      const index = userKey('dave', 'sessions');
      const k = userKey('dave', 'session', 's1');
      await store().set(k, `h0\n${BODY}`, { ttlMs: SHORT_TTL, index });
      expect(await store().compareAndSwapHead(k, 'h0', 'h1', { ttlMs: LONG_TTL, index })).toMatchObject({
        swapped: true,
      });
      await elapse(OUTLAST);
      expect(await store().indexMembers(index)).toEqual([k]);
      expect(await store().compareAndSwapHead(k, 'nope', 'h2', { ttlMs: LONG_TTL, index })).toMatchObject({
        swapped: false,
      });
      expect(await store().deleteIndexed(index)).toBe(1);
    });

    it('keeps a bounded history in the last head field', async () => {
      const k = key('history');
      await store().set(k, `c0 -\n${BODY}`, ttl);
      const history = (entry: string) => ({ ...ttl, history: { entry, max: 3 } });
      expect(await store().compareAndSwapHead(k, 'c0 ', 'c1 x', history('a0'))).toEqual({
        swapped: true,
        value: `c1 x a0\n${BODY}`,
      });
      await store().compareAndSwapHead(k, 'c1 ', 'c2 y', history('a1'));
      await store().compareAndSwapHead(k, 'c2 ', 'c3 z', history('a2'));
      expect(await store().compareAndSwapHead(k, 'c3 ', 'c4', history('a3'))).toEqual({
        swapped: true,
        value: `c4 a3,a2,a1\n${BODY}`,
      });
      const bare = key('bare'); // a head without a list field starts a new list
      await store().set(bare, 'c0', ttl);
      expect(await store().compareAndSwapHead(bare, 'c0', 'c1', history('a0'))).toEqual({
        swapped: true,
        value: 'c1 a0',
      });
    });

    it('agrees with the reference semantics (swapHead) on arbitrary heads, bodies and histories', async () => {
      // Unicode, spaces, commas and '-' are what the Lua and SQL string handling could get wrong.
      const text = fc.string({
        unit: fc.constantFrom('a', 'b', ' ', ',', '-', 'é', '🔐', '%', '.'),
        maxLength: 12,
      });
      const line = text.map((value) => value.replace(/\n/g, ''));
      const entry = fc.string({ unit: fc.constantFrom('x', 'y', 'ü', '-'), minLength: 1, maxLength: 3 });
      const history = fc.option(fc.record({ entry, max: fc.integer({ min: 1, max: 4 }) }), {
        nil: undefined,
      });
      const body = fc.option(
        text.map((value) => `\n${value}\n{"k":"v"}`),
        { nil: '' },
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(line, body, fc.nat(6), line, history, async (head, rest, cut, nextHead, hist) => {
          const k = key('property', String(run++));
          const value = head + rest;
          // Cut at code points: a lone surrogate is not a string any backend can store.
          const start = Array.from(head).slice(0, cut).join('');
          const prefix = cut % 2 === 0 ? start : `${start}~`;
          await store().set(k, value, ttl);
          const expected = swapHead(value, prefix, nextHead, hist);
          const result = await store().compareAndSwapHead(k, prefix, nextHead, { ...ttl, history: hist });
          expect(result).toEqual(
            expected === null ? { swapped: false, current: value } : { swapped: true, value: expected },
          );
          expect(await store().get(k)).toBe(expected ?? value);
        }),
        { numRuns: 40 },
      );
    });

    it('rejects bad arguments with TypeError, writing nothing', async () => {
      const k = key('bad');
      await store().set(k, `h0\n${BODY}`, ttl);
      const bad: [string, string, Parameters<ReturnType<typeof store>['compareAndSwapHead']>[3]][] = [
        ['h0', 'h1\ninjected', ttl],
        ['h0\n', 'h1', ttl],
        ['h0', 'h1', { ttlMs: 0 }],
        ['h0', 'h1', { ttlMs: 1.5 }],
        ['h0', 'h1', { ...ttl, history: { entry: 'a,b', max: 3 } }],
        ['h0', 'h1', { ...ttl, history: { entry: '', max: 3 } }],
        ['h0', 'h1', { ...ttl, history: { entry: 'a', max: 0 } }],
        ['h0', 'h1', { ...ttl, index: userKey('erin', 'sessions') }],
      ];
      for (const [prefix, next, options] of bad) {
        await expect(store().compareAndSwapHead(k, prefix, next, options)).rejects.toBeInstanceOf(TypeError);
      }
      expect(await store().get(k)).toBe(`h0\n${BODY}`);
    });
  });
}
