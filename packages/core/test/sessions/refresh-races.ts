import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/state/index.js';
import { encodeRefreshToken, decodeRefreshToken, newRefreshSecret } from '../../src/tokens/refresh-token.js';
import type { ManualClock } from '../../src/util/clock.js';
import { otherDevice, SECOND, sessionHarness, type SessionHarness } from './helpers.js';

/** One backend for the race suite. Its clock drives the service (and SQL expiry); Redis keeps its own. */
export interface RaceBackend {
  store: StateStore;
  clock: ManualClock;
  close(): Promise<void>;
}

const PARALLEL = 10;

/**
 * API.md "Refresh replay" on a real backend: the outcomes that depend on the store's
 * atomicity and on the value a lost compareAndSwapHead returns.
 */
export function runRefreshRaceSuite(name: string, open: () => Promise<RaceBackend>): void {
  describe(`refresh rotation races: ${name}`, () => {
    let backend: RaceBackend | undefined;
    let h: SessionHarness;
    beforeAll(async () => {
      backend = await open();
    });
    afterAll(() => backend?.close());
    beforeEach(() => {
      // A fresh tenant per test keeps runs apart on a shared server; short idle TTLs clean up.
      const tenant = `t${randomBytes(5).toString('hex')}`;
      h = sessionHarness({
        store: backend!.store,
        clock: backend!.clock,
        tenant,
        sessions: { idleTimeoutSeconds: 600 },
      });
    });

    it(`${PARALLEL} parallel rotations of one token: one wins, ${PARALLEL - 1} get refresh_conflict`, async () => {
      const { refreshToken, userId, sessionId } = await h.create();
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, () => h.service.rotateRefreshToken(refreshToken, h.ctx())),
      );
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual(
        Array(PARALLEL - 1).fill({ ok: false, reason: 'refresh_conflict' }),
      );
      const successor = winners[0]!.ok ? winners[0]!.refreshToken : '';
      expect((await h.service.rotateRefreshToken(successor, h.ctx())).ok).toBe(true);
      expect(await h.service.getSession(h.tenant, userId, sessionId)).not.toBeNull();
      const conflicts = (await h.events()).filter((e) => e.type === 'refresh.conflict');
      expect(conflicts).toHaveLength(PARALLEL - 1);
    });

    it('a same-device replay inside the window is a conflict, and the successor still works', async () => {
      const { refreshToken } = await h.create();
      const first = await h.service.rotateRefreshToken(refreshToken, h.ctx());
      h.clock.advance(9 * SECOND);
      expect(await h.service.rotateRefreshToken(refreshToken, h.ctx())).toEqual({
        ok: false,
        reason: 'refresh_conflict',
      });
      const next = await h.service.rotateRefreshToken(first.ok ? first.refreshToken : '', h.ctx());
      expect(next.ok).toBe(true);
    });

    it('a replay from another device inside the window is reuse: the session is revoked', async () => {
      const { refreshToken, userId, sessionId } = await h.create();
      const first = await h.service.rotateRefreshToken(refreshToken, h.ctx());
      h.clock.advance(SECOND);
      expect(await h.service.rotateRefreshToken(refreshToken, h.ctx(otherDevice))).toEqual({
        ok: false,
        reason: 'refresh_token_reused',
      });
      expect(await h.service.getSession(h.tenant, userId, sessionId)).toBeNull();
      expect(await h.service.rotateRefreshToken(first.ok ? first.refreshToken : '', h.ctx())).toEqual({
        ok: false,
        reason: 'invalid_refresh_token',
      });
      expect(await h.eventTypes()).toContain('refresh.reuse_detected');
    });

    it('a replay after the window is reuse: the session is revoked', async () => {
      const { refreshToken, userId, sessionId } = await h.create();
      const first = await h.service.rotateRefreshToken(refreshToken, h.ctx());
      expect(first.ok).toBe(true);
      h.clock.advance(11 * SECOND);
      expect(await h.service.rotateRefreshToken(refreshToken, h.ctx())).toEqual({
        ok: false,
        reason: 'refresh_token_reused',
      });
      expect(await h.service.getSession(h.tenant, userId, sessionId)).toBeNull();
      expect(await h.service.listSessions(h.tenant, userId)).toEqual([]);
    });

    it('a replay of a token three generations old is reuse, even inside the window', async () => {
      const { refreshToken, userId, sessionId } = await h.create();
      let current = refreshToken;
      for (let i = 0; i < 3; i++) {
        const rotated = await h.service.rotateRefreshToken(current, h.ctx());
        if (!rotated.ok) throw new Error(rotated.reason);
        current = rotated.refreshToken;
      }
      expect(await h.service.rotateRefreshToken(refreshToken, h.ctx())).toEqual({
        ok: false,
        reason: 'refresh_token_reused',
      });
      expect(await h.service.getSession(h.tenant, userId, sessionId)).toBeNull();
    });

    it('a forged secret for a real session id is invalid and the session lives on', async () => {
      const { refreshToken, userId, sessionId } = await h.create();
      const forged = encodeRefreshToken({ ...decodeRefreshToken(refreshToken)!, secret: newRefreshSecret() });
      for (const context of [h.ctx(), h.ctx(otherDevice)]) {
        expect(await h.service.rotateRefreshToken(forged, context)).toEqual({
          ok: false,
          reason: 'invalid_refresh_token',
        });
      }
      expect(await h.service.getSession(h.tenant, userId, sessionId)).not.toBeNull();
      expect((await h.service.rotateRefreshToken(refreshToken, h.ctx())).ok).toBe(true);
      expect(await h.eventTypes()).not.toContain('refresh.reuse_detected');
    });

    it('parallel rotations from two devices: one wins; the other device’s copies are reuse', async () => {
      const { refreshToken, userId, sessionId } = await h.create();
      const results = await Promise.all([
        h.service.rotateRefreshToken(refreshToken, h.ctx()),
        h.service.rotateRefreshToken(refreshToken, h.ctx(otherDevice)),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'refresh_token_reused' }]);
      expect(await h.service.getSession(h.tenant, userId, sessionId)).toBeNull();
    });
  });
}
