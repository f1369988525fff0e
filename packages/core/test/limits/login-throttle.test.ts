import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config/index.js';
import { FixedWindowLimiter, LoginThrottle, type LoginAttempt } from '../../src/limits/index.js';
import { MemoryStateStore } from '../../src/state/index.js';
import { ManualClock } from '../../src/util/clock.js';

function setup(preset: 'default' | 'highSecurity' = 'default') {
  const clock = new ManualClock();
  const store = new MemoryStateStore({ clock });
  const config = createConfig({ preset });
  return { clock, store, throttle: new LoginThrottle(store, config.rateLimits, randomBytes(32)), config };
}

describe('LoginThrottle', () => {
  it('answers 429 after 10 failures per identifier and IP, the same for unknown identifiers', async () => {
    const { throttle } = setup();
    for (const identifier of ['known@example.com', 'nobody@example.com']) {
      for (let i = 0; i < 10; i++) {
        expect(await throttle.check('default', identifier, '203.0.113.1')).toEqual({ allowed: true });
        await throttle.recordFailure('default', identifier, '203.0.113.1');
      }
      expect(await throttle.check('default', identifier, '203.0.113.1')).toEqual({
        allowed: false,
        reason: 'rate_limited',
        retryAfterSeconds: 900,
      });
      expect((await throttle.check('default', identifier, '203.0.113.2')).allowed).toBe(true); // other IP
    }
  });

  it('opens again when the window ends', async () => {
    const { throttle, clock } = setup();
    for (let i = 0; i < 10; i++) await throttle.recordFailure('default', 'a@example.com', '1.1.1.1');
    clock.advance(600_000);
    const gate = await throttle.check('default', 'a@example.com', '1.1.1.1');
    expect(gate).toMatchObject({ allowed: false, retryAfterSeconds: 300 });
    clock.advance(300_001);
    expect((await throttle.check('default', 'a@example.com', '1.1.1.1')).allowed).toBe(true);
  });

  it('limits one IP to 100 failures across identifiers', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 100; i++) await throttle.recordFailure('default', `u${i}@example.com`, '9.9.9.9');
    expect(await throttle.check('default', 'fresh@example.com', '9.9.9.9')).toMatchObject({
      reason: 'rate_limited',
    });
  });

  it('locks an identifier after 100 consecutive failures from any IPs, for 15 minutes', async () => {
    const { throttle, clock } = setup();
    for (let i = 0; i < 100; i++)
      await throttle.recordFailure('default', 'victim@example.com', `10.0.${i >> 8}.${i & 255}`);
    expect(await throttle.check('default', 'victim@example.com', '192.0.2.50')).toEqual({
      allowed: false,
      reason: 'account_locked',
      retryAfterSeconds: 900,
    });
    expect(await throttle.isLocked('default', 'victim@example.com')).toBe(true);
    clock.advance(900_001);
    expect((await throttle.check('default', 'victim@example.com', '192.0.2.50')).allowed).toBe(true);
  });

  it('locks after 10 in highSecurity, and an admin unlock lifts it', async () => {
    const { throttle } = setup('highSecurity');
    for (let i = 0; i < 10; i++) await throttle.recordFailure('default', 'h@example.com', `10.1.0.${i}`);
    expect(await throttle.check('default', 'h@example.com', '10.2.0.1')).toMatchObject({
      reason: 'account_locked',
    });
    await throttle.unlock('default', 'h@example.com');
    expect((await throttle.check('default', 'h@example.com', '10.2.0.1')).allowed).toBe(true);
  });

  it('a success resets the identifier counters but not the IP-wide one', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 9; i++) await throttle.recordFailure('default', 's@example.com', '5.5.5.5');
    await throttle.recordSuccess('default', 's@example.com', '5.5.5.5');
    for (let i = 0; i < 9; i++) await throttle.recordFailure('default', 's@example.com', '5.5.5.5');
    expect((await throttle.check('default', 's@example.com', '5.5.5.5')).allowed).toBe(true);
  });

  it('keeps tenants apart and never stores the identifier in a key', async () => {
    const { throttle, store } = setup();
    for (let i = 0; i < 10; i++) await throttle.recordFailure('acme', 'x@example.com', '1.2.3.4');
    expect((await throttle.check('globex', 'x@example.com', '1.2.3.4')).allowed).toBe(true);
    // White-box: the memory store's own map is the only way to list every key.
    const keys = [...(store as unknown as { entries: Map<string, unknown> }).entries.keys()];
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toMatch(/example\.com|1\.2\.3\.4/);
  });

  it('admin unlock clears the (identifier, IP) throttles of every network, and state() shows them until then', async () => {
    const { throttle, clock } = setup();
    const networks = ['203.0.113.7', '2001:db8:1:2::1', '198.51.100.9'];
    for (const ip of networks) {
      for (let i = 0; i < 10; i++) {
        const attempt = await throttle.begin('default', 'held@example.com', ip);
        expect(attempt.allowed).toBe(true);
        await throttle.recordFailure('default', 'held@example.com', ip, attempt as LoginAttempt);
      }
      expect(await throttle.begin('default', 'held@example.com', ip)).toMatchObject({
        reason: 'rate_limited',
      });
      clock.advance(60_000);
    }
    // The longest-lasting throttle is the last network's, opened 2 minutes after the first.
    expect(await throttle.state('default', 'held@example.com')).toEqual({
      lockedForMs: 0,
      throttledForMs: 900_000 - 60_000,
    });
    await throttle.unlock('default', 'held@example.com');
    expect(await throttle.state('default', 'held@example.com')).toEqual({
      lockedForMs: 0,
      throttledForMs: 0,
    });
    for (const ip of networks) {
      expect((await throttle.begin('default', 'held@example.com', ip)).allowed, ip).toBe(true);
    }
  });

  it('state() shows a lockout and how long it lasts; unlock lifts it', async () => {
    const { throttle, clock } = setup('highSecurity');
    for (let i = 0; i < 10; i++) await throttle.recordFailure('default', 'locked@example.com', `10.1.0.${i}`);
    clock.advance(100_000);
    const state = await throttle.state('default', 'locked@example.com');
    expect(state.lockedForMs).toBe(900_000 - 100_000);
    await throttle.unlock('default', 'locked@example.com');
    expect((await throttle.state('default', 'locked@example.com')).lockedForMs).toBe(0);
    expect(await throttle.isLocked('default', 'locked@example.com')).toBe(false);
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as the IPv4 address', async () => {
    const { throttle } = setup();
    for (let i = 1; i <= 10; i++)
      await throttle.recordFailure('default', 'six@example.com', `2001:db8:a:b::${i}`);
    expect(await throttle.check('default', 'six@example.com', '2001:db8:a:b:ffff:1:2:3')).toMatchObject({
      reason: 'rate_limited',
    });
    expect((await throttle.check('default', 'six@example.com', '2001:db8:a:c::1')).allowed).toBe(true);
    for (let i = 0; i < 10; i++) await throttle.recordFailure('default', 'four@example.com', '192.0.2.44');
    expect(await throttle.check('default', 'four@example.com', '::ffff:192.0.2.44')).toMatchObject({
      reason: 'rate_limited',
    });
  });

  it('counts exactly under parallel failures', async () => {
    const { throttle } = setup();
    await Promise.all(
      Array.from({ length: 100 }, () => throttle.recordFailure('default', 'p@example.com', '7.7.7.7')),
    );
    expect(await throttle.check('default', 'p@example.com', '8.8.8.8')).toMatchObject({
      reason: 'account_locked',
    });
  });
});

describe('FixedWindowLimiter', () => {
  it('allows `limit` hits per window then tells when to retry', async () => {
    const clock = new ManualClock();
    const limiter = new FixedWindowLimiter(new MemoryStateStore({ clock }), 3, 60);
    for (let i = 0; i < 3; i++) expect(await limiter.hit('k')).toEqual({ allowed: true });
    clock.advance(20_000);
    expect(await limiter.hit('k')).toEqual({ allowed: false, retryAfterSeconds: 40 });
    clock.advance(40_001);
    expect(await limiter.hit('k')).toEqual({ allowed: true });
  });
});
