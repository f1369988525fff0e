import { describe, expect, it } from 'vitest';
import { LONG_TTL, OUTLAST, SHORT_TTL, type ConformanceContext } from './harness.js';

/** Per-user indexes (a user's sessions): listing, removal, expiry, "sign out everywhere". */
export function indexConformance(ctx: ConformanceContext): void {
  const { store, userKey, elapse } = ctx;
  const sorted = async (index: string) => (await store().indexMembers(index)).sort();

  describe('per-user index', () => {
    /** Keys s1..sN and the index of one user; every key shares the user's hash slot. */
    const user = (name = 'alice') => ({
      index: userKey(name, 'sessions'),
      session: (id: string) => userKey(name, 'session', id),
    });

    it('lists the keys recorded in it, once each, and no other user’s', async () => {
      const alice = user('alice');
      const bob = user('bob');
      for (const id of ['s1', 's2', 's3'])
        await store().set(alice.session(id), id, { ttlMs: LONG_TTL, index: alice.index });
      await store().set(alice.session('s1'), 'again', { ttlMs: LONG_TTL, index: alice.index });
      await store().set(bob.session('b1'), 'b1', { ttlMs: LONG_TTL, index: bob.index });
      expect(await sorted(alice.index)).toEqual(['s1', 's2', 's3'].map(alice.session).sort());
      expect(await store().indexMembers(bob.index)).toEqual([bob.session('b1')]);
      expect(await store().indexMembers(userKey('nobody', 'sessions'))).toEqual([]);
    });

    it('drops keys removed by delete and take, and expired ones', async () => {
      const { index, session } = user();
      await store().set(session('deleted'), 'v', { ttlMs: LONG_TTL, index });
      await store().set(session('taken'), 'v', { ttlMs: LONG_TTL, index });
      await store().set(session('expired'), 'v', { ttlMs: SHORT_TTL, index });
      await store().set(session('kept'), 'v', { ttlMs: LONG_TTL, index });
      expect(await store().delete(session('deleted'), { index })).toBe(true);
      expect(await store().take(session('taken'), { index })).toBe('v');
      await elapse(OUTLAST);
      expect(await store().indexMembers(index)).toEqual([session('kept')]);
    });

    it('deleteIndexed deletes every recorded key and the index, counting the live ones', async () => {
      const { index, session } = user();
      await store().set(session('a'), 'v', { ttlMs: LONG_TTL, index });
      await store().set(session('b'), 'v', { ttlMs: LONG_TTL, index });
      await store().set(session('c'), 'v', { ttlMs: SHORT_TTL, index });
      await elapse(OUTLAST);
      expect(await store().deleteIndexed(index)).toBe(2);
      expect(await store().get(session('a'))).toBeNull();
      expect(await store().get(session('b'))).toBeNull();
      expect(await store().indexMembers(index)).toEqual([]);
      expect(await store().deleteIndexed(index)).toBe(0);
    });

    it('keeps a key rotated by compareAndSwap listed once', async () => {
      const { index, session } = user();
      await store().set(session('r'), 'r0', { ttlMs: SHORT_TTL, index });
      expect(await store().compareAndSwap(session('r'), 'r0', 'r1', { ttlMs: LONG_TTL, index })).toEqual({
        swapped: true,
      });
      expect(await store().compareAndSwap(session('r'), 'r1', 'r2', { ttlMs: LONG_TTL, index })).toEqual({
        swapped: true,
      });
      await elapse(OUTLAST); // past the first write's TTL: the rotation's TTL counts
      expect(await store().indexMembers(index)).toEqual([session('r')]);
      expect(await store().deleteIndexed(index)).toBe(1);
    });

    it('records nothing when an ifAbsent write or a swap does not happen', async () => {
      const { index, session } = user();
      await store().set(session('x'), 'v', { ttlMs: LONG_TTL });
      expect(await store().set(session('x'), 'w', { ttlMs: LONG_TTL, index, ifAbsent: true })).toBe(false);
      expect(
        await store().compareAndSwap(session('x'), 'nope', 'w', { ttlMs: LONG_TTL, index }),
      ).toMatchObject({ swapped: false });
      expect(await store().indexMembers(index)).toEqual([]);
    });
  });

  describe('per-user index: a key rewritten without `index`', () => {
    const index = () => userKey('carol', 'sessions');
    const session = (id: string) => userKey('carol', 'session', id);

    it('stays listed once and is still deleted by deleteIndexed', async () => {
      await store().set(session('s'), 'v1', { ttlMs: LONG_TTL, index: index() });
      await store().set(session('s'), 'v2', { ttlMs: LONG_TTL });
      expect(await store().indexMembers(index())).toEqual([session('s')]);
      expect(await store().deleteIndexed(index())).toBe(1);
      expect(await store().get(session('s'))).toBeNull();
    });

    it('with a shorter TTL, disappears from the index when it expires', async () => {
      await store().set(session('s'), 'v1', { ttlMs: LONG_TTL, index: index() });
      await store().set(session('s'), 'v2', { ttlMs: SHORT_TTL });
      await elapse(OUTLAST);
      expect(await store().indexMembers(index())).toEqual([]);
      expect(await store().deleteIndexed(index())).toBe(0);
    });

    it('with a longer TTL, stays listed past its recorded expiry while it lives', async () => {
      await store().set(session('anchor'), 'v', { ttlMs: LONG_TTL, index: index() });
      await store().set(session('s'), 'v1', { ttlMs: SHORT_TTL, index: index() });
      await store().set(session('s'), 'v2', { ttlMs: LONG_TTL });
      await elapse(OUTLAST);
      expect(await sorted(index())).toEqual([session('anchor'), session('s')].sort());
      expect(await store().deleteIndexed(index())).toBe(2);
    });
  });

  describe('many users (hash slots spread over Cluster nodes)', () => {
    it('keeps every user’s keys, counters and index in the user’s own slot', async () => {
      const users = Array.from({ length: 24 }, (_, i) => `user${i}`);
      await Promise.all(
        users.map(async (name) => {
          const index = userKey(name, 'sessions');
          await store().set(userKey(name, 'session', 'a'), name, { ttlMs: LONG_TTL, index });
          await store().set(userKey(name, 'session', 'b'), 'b0', { ttlMs: LONG_TTL, index });
          await store().compareAndSwap(userKey(name, 'session', 'b'), 'b0', 'b1', { ttlMs: LONG_TTL, index });
          await store().increment(userKey(name, 'attempts'), { ttlMs: LONG_TTL, by: 2 });
        }),
      );
      for (const name of users) {
        const index = userKey(name, 'sessions');
        expect((await store().indexMembers(index)).sort()).toEqual(
          [userKey(name, 'session', 'a'), userKey(name, 'session', 'b')].sort(),
        );
        expect(await store().get(userKey(name, 'session', 'a'))).toBe(name);
        expect(await store().take(userKey(name, 'session', 'b'), { index })).toBe('b1');
        expect((await store().increment(userKey(name, 'attempts'), { ttlMs: LONG_TTL })).value).toBe(3);
        expect(await store().deleteIndexed(index)).toBe(1);
      }
    });
  });
}
