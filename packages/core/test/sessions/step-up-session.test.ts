import { describe, expect, it } from 'vitest';
import type { RotateRefreshResult } from '../../src/sessions/index.js';
import { MemoryStateStore, type StateStore } from '../../src/state/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { MINUTE, sessionHarness } from './helpers.js';

const tokenOf = (result: RotateRefreshResult): string => {
  if (!result.ok) throw new Error(`failed: ${result.reason}`);
  return result.refreshToken;
};

describe('stepUpSession', () => {
  it('remembers the rotated-away token as an ancestor: it is reuse after the next refresh', async () => {
    const h = sessionHarness();
    const created = await h.create();
    const input = { tenant: h.tenant, userId: created.userId, sessionId: created.sessionId, ctx: h.ctx() };
    const stepped = tokenOf(await h.service.stepUpSession({ ...input, amr: ['pwd'] }));
    h.clock.advance(MINUTE);
    const next = tokenOf(await h.service.rotateRefreshToken(stepped, h.ctx()));

    const replay = await h.service.rotateRefreshToken(created.refreshToken, h.ctx());
    expect(replay).toEqual({ ok: false, reason: 'refresh_token_reused' });
    expect(await h.service.rotateRefreshToken(next, h.ctx())).toMatchObject({ ok: false });
  });

  it('retries its swap when a refresh rotates the session between its read and its write', async () => {
    const clock = new ManualClock();
    let raced: Promise<RotateRefreshResult> | undefined;
    let refreshToken = '';
    const memory = new MemoryStateStore({ clock });
    // The first whole-record swap finds the head moved by a refresh that slipped in before it.
    const racing: StateStore = Object.create(memory) as StateStore;
    racing.compareAndSwap = async (...args) => {
      if (!raced) {
        raced = h.service.rotateRefreshToken(refreshToken, h.ctx());
        await raced;
      }
      return memory.compareAndSwap(...args);
    };
    const h = sessionHarness({ store: racing, clock });
    const created = await h.create();
    refreshToken = created.refreshToken;

    const stepped = await h.service.stepUpSession({
      tenant: h.tenant,
      userId: created.userId,
      sessionId: created.sessionId,
      amr: ['pwd', 'otp', 'mfa'],
      ctx: h.ctx(),
    });
    expect((await raced)?.ok).toBe(true);
    expect(stepped).toMatchObject({ ok: true, session: { amr: ['pwd', 'otp', 'mfa'] } });
    expect((await h.service.rotateRefreshToken(tokenOf(stepped), h.ctx())).ok).toBe(true);
  });
});
