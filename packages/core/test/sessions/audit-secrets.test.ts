import { describe, expect, it } from 'vitest';
import { createAccessValidator } from '../../src/sessions/index.js';
import {
  decodeRefreshToken,
  encodeRefreshToken,
  hashRefreshSecret,
  newRefreshSecret,
} from '../../src/tokens/refresh-token.js';
import { FakeAccessTokenVerifier, otherDevice, SECOND, sessionHarness } from './helpers.js';

describe('audit events', () => {
  it('carry ids only: no refresh token, secret, hash or hash prefix, whatever happened', async () => {
    const h = sessionHarness({ sessions: { maxPerUser: 2, maxPerTenant: 50, deviceBinding: 'detect' } });
    const verifier = new FakeAccessTokenVerifier(h.clock);
    const validator = createAccessValidator({
      verifier,
      sessions: h.service,
      config: h.config,
      clock: h.clock,
    });
    const tokens: string[] = [];
    const keep = <T extends { ok: boolean }>(result: T): T & { refreshToken: string } => {
      const token =
        'refreshToken' in result && typeof result.refreshToken === 'string' ? result.refreshToken : '';
      if (token) tokens.push(token);
      return { ...result, refreshToken: token };
    };

    // created, rotated (with a device mismatch), conflict, reuse, evicted, revoked, revoked_all
    const a = keep(await h.create('alice'));
    const a1 = keep(await h.service.rotateRefreshToken(a.refreshToken, h.ctx(otherDevice)));
    await Promise.all(
      [1, 2, 3].map(async () => keep(await h.service.rotateRefreshToken(a1.refreshToken, h.ctx()))),
    );
    h.clock.advance(20 * SECOND);
    await h.service.rotateRefreshToken(a.refreshToken, h.ctx());
    const b = keep(await h.create('bob'));
    keep(await h.create('bob'));
    keep(await h.create('bob')); // evicts b
    const forged = encodeRefreshToken({ ...decodeRefreshToken(b.refreshToken)!, secret: newRefreshSecret() });
    tokens.push(forged);
    await h.service.rotateRefreshToken(forged, h.ctx());
    const c = keep(await h.create('carol'));
    const access = verifier.issue(c.session, { rv: 99 });
    tokens.push(access);
    await validator.validate(access, 'strict', h.ctx(otherDevice));
    const d = keep(await h.create('dave'));
    await h.service.revokeSession('default', 'dave', d.sessionId, { ctx: h.ctx(), reason: 'logout' });
    keep(await h.create('erin'));
    keep(await h.create('erin'));
    await h.service.revokeUserSessions('default', 'erin', { ctx: h.ctx() });

    const events = await h.events();
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set([
        'session.created',
        'refresh.rotated',
        'session.device_mismatch',
        'refresh.conflict',
        'refresh.reuse_detected',
        'session.evicted',
        'refresh.failed',
        'session.revoked',
        'sessions.revoked_all',
      ]),
    );
    const forbidden = tokens.flatMap((token) => {
      const secret = decodeRefreshToken(token)?.secret;
      if (!secret) return [token];
      const hash = hashRefreshSecret(secret);
      return [token, secret, hash, hash.slice(0, 16)];
    });
    expect(forbidden.length).toBeGreaterThan(40);
    for (const event of events) {
      const json = JSON.stringify(event);
      for (const value of forbidden) expect(json).not.toContain(value);
    }
  });
});
