import { describe, expect, it } from 'vitest';
import { decodeRefreshToken, encodeRefreshToken, newRefreshSecret } from '../../src/tokens/refresh-token.js';
import { sessionCreatedAt, sessionIndex, sessionKey } from '../../src/sessions/index.js';
import { DAY, MINUTE, SECOND, sessionHarness } from './helpers.js';

describe('createSession', () => {
  it('writes a session whose id carries its creation time and returns the refresh token once', async () => {
    const h = sessionHarness();
    const { sessionId, refreshToken, session, userId } = await h.create();
    expect(sessionCreatedAt(sessionId)).toBe(h.clock.now());
    expect(sessionId).toMatch(/^[0-9a-z]{8}[A-Za-z0-9_-]{22}$/);
    expect(decodeRefreshToken(refreshToken)).toMatchObject({ tenant: 'default', userId, sessionId });
    expect(session).toMatchObject({
      id: sessionId,
      userId,
      tenant: 'default',
      createdAt: h.clock.now(),
      lastSeenAt: h.clock.now(),
      absoluteExpiresAt: h.clock.now() + 90 * DAY,
      amr: ['pwd', 'otp'],
      versions: { rv: 1, pv: 2, av: 3 },
      roles: ['user'],
      ip: '203.0.113.7',
    });
    const stored = await h.store.get(sessionKey('default', userId, sessionId));
    expect(stored).not.toContain(decodeRefreshToken(refreshToken)!.secret);
    expect(await h.store.indexMembers(sessionIndex('default', userId))).toEqual([
      sessionKey('default', userId, sessionId),
    ]);
    expect(await h.eventTypes()).toEqual(['session.created']);
  });

  it('sets the TTL to the idle timeout, or the time left to the absolute expiry if sooner', async () => {
    const h = sessionHarness({ sessions: { idleTimeoutSeconds: 60, absoluteLifetimeSeconds: 3_600 } });
    const { sessionId, userId } = await h.create();
    h.clock.advance(59 * SECOND);
    expect(await h.service.getSession('default', userId, sessionId)).not.toBeNull();
    h.clock.advance(2 * SECOND);
    expect(await h.service.getSession('default', userId, sessionId)).toBeNull();

    const short = sessionHarness({ sessions: { idleTimeoutSeconds: 3_600, absoluteLifetimeSeconds: 60 } });
    const other = await short.create();
    short.clock.advance(61 * SECOND);
    expect(await short.store.get(sessionKey('default', other.userId, other.sessionId))).toBeNull();
  });

  it('rejects a user id that cannot be in a refresh token before writing anything', async () => {
    const h = sessionHarness();
    await expect(h.create('bad id')).rejects.toBeInstanceOf(TypeError);
    expect(h.counting.total()).toBe(0);
  });
});

describe('listSessions / getSession', () => {
  it('lists the user’s live sessions newest first with lastSeenAt, and no one else’s', async () => {
    const h = sessionHarness();
    const first = await h.create('alice');
    h.clock.advance(MINUTE);
    const second = await h.create('alice');
    await h.create('bob');
    h.clock.advance(MINUTE);
    const rotated = await h.service.rotateRefreshToken(first.refreshToken, h.ctx());
    expect(rotated.ok).toBe(true);
    const list = await h.service.listSessions('default', 'alice');
    expect(list.map((s) => s.id)).toEqual([second.sessionId, first.sessionId]);
    expect(list[1]!.lastSeenAt).toBe(h.clock.now());
    expect(list[0]!.lastSeenAt).toBe(second.session.createdAt);
    expect(await h.service.getSession('default', 'bob', first.sessionId)).toBeNull();
    expect(await h.service.getSession('other', 'alice', first.sessionId)).toBeNull();
    expect(await h.service.getSession('default', 'alice', 'not-a-session-id')).toBeNull();
  });
});

describe('ownsCurrentRefreshToken', () => {
  it('is true only for the live session’s current token, with one GET', async () => {
    const h = sessionHarness();
    const { refreshToken, userId, sessionId } = await h.create();
    h.counting.reset();
    expect(await h.service.ownsCurrentRefreshToken(refreshToken)).toBe(true);
    expect(h.counting.calls()).toEqual({ get: 1 });
    const rotated = await h.service.rotateRefreshToken(refreshToken, h.ctx());
    const next = rotated.ok ? rotated.refreshToken : '';
    expect(await h.service.ownsCurrentRefreshToken(refreshToken)).toBe(false);
    expect(await h.service.ownsCurrentRefreshToken(next)).toBe(true);
    const forged = encodeRefreshToken({ ...decodeRefreshToken(next)!, secret: newRefreshSecret() });
    const elsewhere = encodeRefreshToken({ ...decodeRefreshToken(next)!, tenant: 'acme' });
    for (const token of [forged, elsewhere, 'garbage']) {
      expect(await h.service.ownsCurrentRefreshToken(token)).toBe(false);
    }
    await h.service.revokeSession('default', userId, sessionId);
    expect(await h.service.ownsCurrentRefreshToken(next)).toBe(false);
  });
});

describe('revokeSession / revokeUserSessions', () => {
  it('revokes one session; another user cannot revoke it', async () => {
    const h = sessionHarness();
    const { sessionId, userId, refreshToken } = await h.create();
    expect(await h.service.revokeSession('default', 'mallory', sessionId)).toBe(false);
    expect(await h.service.getSession('default', userId, sessionId)).not.toBeNull();
    expect(await h.service.revokeSession('default', userId, sessionId, { reason: 'logout' })).toBe(true);
    expect(await h.service.getSession('default', userId, sessionId)).toBeNull();
    expect(await h.service.revokeSession('default', userId, sessionId)).toBe(false);
    expect(await h.service.rotateRefreshToken(refreshToken, h.ctx())).toEqual({
      ok: false,
      reason: 'invalid_refresh_token',
    });
    expect(await h.eventTypes()).toEqual(['session.created', 'session.revoked', 'refresh.failed']);
  });

  it('revokes all but the current session with `except`, and all without', async () => {
    const h = sessionHarness();
    const sessions = [await h.create('alice'), await h.create('alice'), await h.create('alice')];
    const bob = await h.create('bob');
    const current = sessions[1]!.sessionId;
    expect(await h.service.revokeUserSessions('default', 'alice', { except: current })).toBe(2);
    expect((await h.service.listSessions('default', 'alice')).map((s) => s.id)).toEqual([current]);
    expect(await h.service.revokeUserSessions('default', 'alice')).toBe(1);
    expect(await h.service.listSessions('default', 'alice')).toEqual([]);
    expect(await h.service.getSession('default', 'bob', bob.sessionId)).not.toBeNull();
    const revokedAll = (await h.events()).filter((e) => e.type === 'sessions.revoked_all');
    expect(revokedAll.map((e) => e.data?.count)).toEqual([2, 1]);
  });
});

describe('session caps', () => {
  it('maxPerUser evicts the user’s own oldest sessions to make room', async () => {
    const h = sessionHarness({ sessions: { maxPerUser: 2 } });
    const first = await h.create('alice');
    h.clock.advance(SECOND);
    const second = await h.create('alice');
    h.clock.advance(SECOND);
    const third = await h.create('alice');
    const ids = (await h.service.listSessions('default', 'alice')).map((s) => s.id);
    expect(ids).toEqual([third.sessionId, second.sessionId]);
    const evicted = (await h.events()).filter((e) => e.type === 'session.evicted');
    expect(evicted.map((e) => e.sessionId)).toEqual([first.sessionId]);
    expect((await h.service.rotateRefreshToken(first.refreshToken, h.ctx())).ok).toBe(false);
  });

  it('maxPerTenant refuses new sessions with a value, and counts revocations at once', async () => {
    const h = sessionHarness({ sessions: { maxPerTenant: 2 } });
    const a = await h.create('alice');
    await h.create('bob');
    const refused = await h.service.createSession({
      ctx: h.ctx(),
      userId: 'carol',
      authTime: h.clock.now(),
      amr: ['pwd'],
      versions: { rv: 1, pv: 1, av: 1 },
      roles: ['user'],
    });
    expect(refused).toEqual({ ok: false, reason: 'tenant_session_limit' });
    expect(await h.service.listSessions('default', 'carol')).toEqual([]);
    await h.service.revokeSession('default', 'alice', a.sessionId);
    await expect(h.create('carol')).resolves.toMatchObject({ ok: true });
    const other = sessionHarness({ sessions: { maxPerTenant: 2 }, tenant: 'acme' });
    await expect(other.create('dave')).resolves.toMatchObject({ ok: true });
    expect(await h.eventTypes()).toContain('session.refused');
  });
});
