import { describe, expect, it } from 'vitest';
import { createAccessValidator, SessionService } from '../../src/sessions/index.js';
import {
  FakeAccessTokenVerifier,
  otherDevice,
  SECOND,
  sessionHarness,
  type SessionSettings,
} from './helpers.js';

function setup(sessions: SessionSettings = {}, tenant?: string) {
  const h = sessionHarness({ sessions, ...(tenant ? { tenant } : {}) });
  const verifier = new FakeAccessTokenVerifier(h.clock);
  const validator = createAccessValidator({
    verifier,
    sessions: h.service,
    config: h.config,
    clock: h.clock,
  });
  /** Another server instance on the same store: its revocations reach this one only via the store. */
  const elsewhere = new SessionService({ store: h.store, config: h.config, audit: h.audit, clock: h.clock });
  return { ...h, verifier, validator, elsewhere };
}

describe('strict validation', () => {
  it('accepts a live session’s token with exactly one StateStore GET, and returns the session', async () => {
    const t = setup();
    const { session } = await t.create();
    const token = t.verifier.issue(session);
    t.counting.reset();
    const result = await t.validator.validate(token, 'strict', t.ctx());
    expect(result).toMatchObject({ ok: true, claims: { sub: session.userId, sid: session.id } });
    expect(result.ok && result.session?.id).toBe(session.id);
    expect(t.counting.calls()).toEqual({ get: 1 });
  });

  it('uses the configured mode by default', async () => {
    const t = setup({ validationMode: 'strict' });
    const { session, userId } = await t.create();
    const token = t.verifier.issue(session);
    await t.service.revokeSession('default', userId, session.id);
    expect(await t.validator.validate(token)).toEqual({ ok: false, reason: 'session_revoked' });
  });

  it('rejects at once after a revocation from any instance', async () => {
    const t = setup();
    const { session, userId } = await t.create();
    const token = t.verifier.issue(session);
    expect((await t.validator.validate(token, 'strict')).ok).toBe(true);
    await t.elsewhere.revokeSession('default', userId, session.id);
    expect(await t.validator.validate(token, 'strict')).toEqual({ ok: false, reason: 'session_revoked' });
  });

  it('rejects a version mismatch and deletes the session', async () => {
    const t = setup();
    const { session, userId } = await t.create();
    const stale = t.verifier.issue(session, { rv: session.versions.rv + 1 });
    const fresh = t.verifier.issue(session);
    expect(await t.validator.validate(stale, 'strict')).toEqual({ ok: false, reason: 'stale_token' });
    expect(await t.service.getSession('default', userId, session.id)).toBeNull();
    expect(await t.validator.validate(fresh, 'strict')).toEqual({ ok: false, reason: 'session_revoked' });
    const revoked = (await t.events()).filter((e) => e.type === 'session.revoked');
    expect(revoked).toMatchObject([{ sessionId: session.id, reason: 'stale_token' }]);
  });

  it('rejects a token whose tenant or subject is not the session’s', async () => {
    const t = setup({}, 'acme');
    const { session } = await t.create();
    expect((await t.validator.validate(t.verifier.issue(session), 'strict')).ok).toBe(true);
    for (const overrides of [{ tid: 'globex' }, { tid: undefined }, { sub: 'someone-else' }]) {
      expect(await t.validator.validate(t.verifier.issue(session, overrides), 'strict')).toEqual({
        ok: false,
        reason: 'session_revoked',
      });
    }
  });

  it('rejects what the verifier rejects, and sids that are not ours, without I/O', async () => {
    const t = setup();
    const { session } = await t.create();
    t.counting.reset();
    expect(await t.validator.validate('forged', 'strict')).toEqual({
      ok: false,
      reason: 'invalid_token',
      detail: 'bad_signature',
    });
    expect(await t.validator.validate(t.verifier.issue(session, { sid: 'nope' }), 'strict')).toMatchObject({
      reason: 'invalid_token',
    });
    expect(t.counting.total()).toBe(0);
  });

  it('rejects after the absolute lifetime', async () => {
    const t = setup({ absoluteLifetimeSeconds: 3_600 });
    const { session } = await t.create();
    t.clock.advance(3_600 * SECOND - 1_000);
    const token = t.verifier.issue(session);
    t.clock.advance(1_000);
    expect(await t.validator.validate(token, 'strict')).toEqual({ ok: false, reason: 'session_expired' });
  });

  it('device binding: detect audits and accepts, enforce rejects; without a context nothing is compared', async () => {
    const detect = setup({ deviceBinding: 'detect' });
    const a = await detect.create();
    expect(
      (await detect.validator.validate(detect.verifier.issue(a.session), 'strict', detect.ctx(otherDevice)))
        .ok,
    ).toBe(true);
    expect(await detect.eventTypes()).toContain('session.device_mismatch');

    const enforce = setup({ deviceBinding: 'enforce' });
    const b = await enforce.create();
    const token = enforce.verifier.issue(b.session);
    expect(await enforce.validator.validate(token, 'strict', enforce.ctx(otherDevice))).toEqual({
      ok: false,
      reason: 'device_mismatch',
    });
    expect((await enforce.validator.validate(token, 'strict', enforce.ctx())).ok).toBe(true);
    expect((await enforce.validator.validate(token, 'strict')).ok).toBe(true);
  });
});

describe('hybrid validation', () => {
  it('sees a revocation made elsewhere within the cache TTL, never later', async () => {
    const t = setup({ hybridCacheSeconds: 5 });
    const { session, userId } = await t.create();
    const token = t.verifier.issue(session);
    expect((await t.validator.validate(token, 'hybrid')).ok).toBe(true);
    await t.elsewhere.revokeSession('default', userId, session.id);
    t.counting.reset();
    // Inside the TTL the cached state may still answer (the documented trade-off)...
    t.clock.advance(4_999);
    expect((await t.validator.validate(token, 'hybrid')).ok).toBe(true);
    expect(t.counting.total()).toBe(0);
    // ...but once 5 s have passed, the revocation is seen, and stays seen.
    t.clock.advance(1);
    expect(await t.validator.validate(token, 'hybrid')).toEqual({ ok: false, reason: 'session_revoked' });
    for (let i = 0; i < 3; i++) {
      t.clock.advance(5 * SECOND);
      expect(await t.validator.validate(token, 'hybrid')).toEqual({ ok: false, reason: 'session_revoked' });
    }
  });

  it('sees a revocation in this process at once', async () => {
    const t = setup();
    const { session, userId } = await t.create();
    const token = t.verifier.issue(session);
    expect((await t.validator.validate(token, 'hybrid')).ok).toBe(true);
    await t.service.revokeSession('default', userId, session.id);
    expect(await t.validator.validate(token, 'hybrid')).toEqual({ ok: false, reason: 'session_revoked' });
  });

  it('caches per session: one GET per session per TTL; never longer than 5 s', async () => {
    const t = setup({ hybridCacheSeconds: 5 });
    const a = await t.create();
    const b = await t.create();
    t.counting.reset();
    for (let i = 0; i < 10; i++) {
      await t.validator.validate(t.verifier.issue(a.session), 'hybrid');
      await t.validator.validate(t.verifier.issue(b.session), 'hybrid');
    }
    expect(t.counting.calls()).toEqual({ get: 2 });
    t.clock.advance(5 * SECOND);
    await t.validator.validate(t.verifier.issue(a.session), 'hybrid');
    expect(t.counting.calls()).toEqual({ get: 3 });
  });

  it('with hybridCacheSeconds 0, behaves like strict', async () => {
    const t = setup({ hybridCacheSeconds: 0 });
    const { session } = await t.create();
    t.counting.reset();
    await t.validator.validate(t.verifier.issue(session), 'hybrid');
    await t.validator.validate(t.verifier.issue(session), 'hybrid');
    expect(t.counting.calls()).toEqual({ get: 2 });
  });

  it('rejects a version mismatch even from the cache, and deletes the session', async () => {
    const t = setup();
    const { session, userId } = await t.create();
    expect((await t.validator.validate(t.verifier.issue(session), 'hybrid')).ok).toBe(true);
    const stale = t.verifier.issue(session, { av: session.versions.av + 1 });
    expect(await t.validator.validate(stale, 'hybrid')).toEqual({ ok: false, reason: 'stale_token' });
    expect(await t.service.getSession('default', userId, session.id)).toBeNull();
  });
});

describe('jwt validation', () => {
  it('checks the token only: zero StateStore calls, and a revoked session’s token stays valid until exp', async () => {
    // The documented trade-off of 'jwt' mode: revocation is not seen before the token expires.
    const t = setup();
    const { session, userId } = await t.create();
    const token = t.verifier.issue(session);
    await t.service.revokeSession('default', userId, session.id);
    t.counting.reset();
    const result = await t.validator.validate(token, 'jwt', t.ctx(otherDevice));
    expect(result).toMatchObject({ ok: true, claims: { sid: session.id } });
    expect(result.ok && result.session).toBeUndefined();
    expect(t.counting.total()).toBe(0);
    t.clock.advance(15 * 60 * SECOND);
    expect(await t.validator.validate(token, 'jwt')).toMatchObject({ ok: false, reason: 'invalid_token' });
  });
});
