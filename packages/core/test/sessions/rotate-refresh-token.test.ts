import { describe, expect, it } from 'vitest';
import { sessionKey, type RotateRefreshResult } from '../../src/sessions/index.js';
import { decodeRefreshToken, encodeRefreshToken } from '../../src/tokens/refresh-token.js';
import { DAY, MINUTE, otherDevice, SECOND, sessionHarness, type SessionHarness } from './helpers.js';

const tokenOf = (result: RotateRefreshResult): string => {
  if (!result.ok) throw new Error(`rotation failed: ${result.reason}`);
  return result.refreshToken;
};

async function rotateChain(
  h: SessionHarness,
  token: string,
  times: number,
  stepMs = MINUTE,
): Promise<string[]> {
  const chain = [token];
  for (let i = 0; i < times; i++) {
    h.clock.advance(stepMs);
    chain.push(tokenOf(await h.service.rotateRefreshToken(chain.at(-1)!, h.ctx())));
  }
  return chain;
}

describe('rotateRefreshToken', () => {
  it('follows a chain: each token works once, keeps the session, moves lastSeenAt, copies auth_time and amr', async () => {
    const h = sessionHarness();
    const created = await h.create();
    const chain = await rotateChain(h, created.refreshToken, 5);
    const result = await h.service.rotateRefreshToken(chain.at(-1)!, h.ctx());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(new Set(chain.map((t) => decodeRefreshToken(t)!.sessionId))).toEqual(new Set([created.sessionId]));
    expect(new Set(chain).size).toBe(chain.length);
    expect(result.session).toMatchObject({
      id: created.sessionId,
      lastSeenAt: h.clock.now(),
      authTime: created.session.authTime,
      amr: ['pwd', 'otp'],
      createdAt: created.session.createdAt,
    });
    expect((await h.events()).filter((e) => e.type === 'refresh.rotated')).toHaveLength(6);
  });

  it('makes exactly one StateStore call on the happy path', async () => {
    const h = sessionHarness();
    const { refreshToken } = await h.create();
    h.counting.reset();
    expect((await h.service.rotateRefreshToken(refreshToken, h.ctx())).ok).toBe(true);
    expect(h.counting.calls()).toEqual({ compareAndSwapHead: 1 });
  });

  it('refuses malformed tokens and ids that are not ours without any StateStore call', async () => {
    const h = sessionHarness();
    const { refreshToken } = await h.create();
    const parts = decodeRefreshToken(refreshToken)!;
    h.counting.reset();
    for (const token of [
      '',
      'garbage',
      `${refreshToken}x`,
      encodeRefreshToken({ ...parts, sessionId: 'abc' }),
    ]) {
      expect(await h.service.rotateRefreshToken(token, h.ctx())).toEqual({
        ok: false,
        reason: 'invalid_refresh_token',
      });
    }
    expect(h.counting.total()).toBe(0);
  });

  it('a replay at the very end of the window is still a conflict; one millisecond later it is reuse', async () => {
    const h = sessionHarness({ sessions: { refreshConflictWindowSeconds: 10 } });
    const { refreshToken } = await h.create();
    await h.service.rotateRefreshToken(refreshToken, h.ctx());
    h.clock.advance(10 * SECOND - 1);
    expect(await h.service.rotateRefreshToken(refreshToken, h.ctx())).toMatchObject({
      reason: 'refresh_conflict',
    });
    h.clock.advance(1);
    expect(await h.service.rotateRefreshToken(refreshToken, h.ctx())).toMatchObject({
      reason: 'refresh_token_reused',
    });
  });

  it('with a window of 0, every replay is reuse', async () => {
    const h = sessionHarness({ sessions: { refreshConflictWindowSeconds: 0 } });
    const { refreshToken, userId, sessionId } = await h.create();
    await h.service.rotateRefreshToken(refreshToken, h.ctx());
    expect(await h.service.rotateRefreshToken(refreshToken, h.ctx())).toMatchObject({
      reason: 'refresh_token_reused',
    });
    expect(await h.service.getSession('default', userId, sessionId)).toBeNull();
  });

  it('recognises the last 20 rotated-away tokens as reuse; older ones are merely invalid', async () => {
    const h = sessionHarness();
    const chain = await rotateChain(h, (await h.create()).refreshToken, 22);
    // chain[22] is current, chain[21] previous, chain[2..21] the last 20 ancestors.
    expect(await h.service.rotateRefreshToken(chain[1]!, h.ctx())).toMatchObject({
      reason: 'invalid_refresh_token',
    });
    expect(await h.service.rotateRefreshToken(chain[2]!, h.ctx())).toMatchObject({
      reason: 'refresh_token_reused',
    });
  });

  it('ends the session after the idle timeout', async () => {
    const h = sessionHarness({ sessions: { idleTimeoutSeconds: 3_600 } });
    const { refreshToken, userId, sessionId } = await h.create();
    h.clock.advance(3_599 * SECOND);
    const next = tokenOf(await h.service.rotateRefreshToken(refreshToken, h.ctx()));
    h.clock.advance(3_600 * SECOND);
    expect(await h.service.rotateRefreshToken(next, h.ctx())).toEqual({
      ok: false,
      reason: 'invalid_refresh_token',
    });
    expect(await h.service.getSession('default', userId, sessionId)).toBeNull();
  });

  it('never lets a session outlive its absolute lifetime, however often it refreshes', async () => {
    const h = sessionHarness({
      sessions: { idleTimeoutSeconds: (2 * DAY) / SECOND, absoluteLifetimeSeconds: (5 * DAY) / SECOND },
    });
    const { refreshToken, userId, sessionId, session } = await h.create();
    const key = sessionKey('default', userId, sessionId);
    let token = refreshToken;
    for (let day = 1; day < 5; day++) {
      h.clock.advance(DAY);
      token = tokenOf(await h.service.rotateRefreshToken(token, h.ctx()));
    }
    // Day 4 + 1 day 23 h would still be inside the idle timeout, but past the absolute expiry.
    h.clock.set(session.absoluteExpiresAt - 1);
    expect(await h.store.get(key)).not.toBeNull();
    h.clock.set(session.absoluteExpiresAt);
    expect(await h.store.get(key)).toBeNull(); // the TTL never reached past the absolute expiry
    expect(await h.service.rotateRefreshToken(token, h.ctx())).toEqual({
      ok: false,
      reason: 'invalid_refresh_token',
    });
  });

  it('refuses after the absolute lifetime even when the stored TTL outlives it (lifetime shortened)', async () => {
    const long = sessionHarness({ sessions: { absoluteLifetimeSeconds: (10 * DAY) / SECOND } });
    const { refreshToken, userId, sessionId } = await long.create();
    const short = sessionHarness({
      store: long.store,
      clock: long.clock,
      sessions: { absoluteLifetimeSeconds: DAY / SECOND },
    });
    long.clock.advance(DAY + SECOND);
    expect(await short.service.rotateRefreshToken(refreshToken, short.ctx())).toEqual({
      ok: false,
      reason: 'invalid_refresh_token',
    });
    expect(await long.service.getSession('default', userId, sessionId)).toBeNull();
  });
});

describe('device binding on refresh', () => {
  it("'off' ignores a new device", async () => {
    const h = sessionHarness();
    const { refreshToken } = await h.create();
    expect((await h.service.rotateRefreshToken(refreshToken, h.ctx(otherDevice))).ok).toBe(true);
    expect(await h.eventTypes()).not.toContain('session.device_mismatch');
  });

  it("'detect' audits the mismatch and rotates", async () => {
    const h = sessionHarness({ sessions: { deviceBinding: 'detect' } });
    const { refreshToken } = await h.create();
    h.counting.reset();
    expect((await h.service.rotateRefreshToken(refreshToken, h.ctx(otherDevice))).ok).toBe(true);
    expect(h.counting.calls()).toEqual({ compareAndSwapHead: 1 });
    const mismatch = (await h.events()).find((e) => e.type === 'session.device_mismatch');
    expect(mismatch?.data).toMatchObject({ during: 'refresh', ipChanged: true, userAgentChanged: true });
  });

  it("'enforce' refuses without rotating: the original device carries on", async () => {
    const h = sessionHarness({ sessions: { deviceBinding: 'enforce' } });
    const { refreshToken } = await h.create();
    expect(await h.service.rotateRefreshToken(refreshToken, h.ctx(otherDevice))).toEqual({
      ok: false,
      reason: 'device_mismatch',
    });
    h.counting.reset();
    expect((await h.service.rotateRefreshToken(refreshToken, h.ctx())).ok).toBe(true);
    expect(h.counting.calls()).toEqual({ get: 1, compareAndSwapHead: 1 });
    expect(await h.service.rotateRefreshToken(refreshToken, h.ctx())).toMatchObject({
      reason: 'refresh_conflict',
    });
  });
});
