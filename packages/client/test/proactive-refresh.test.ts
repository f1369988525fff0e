import { describe, expect, it } from 'vitest';
import { fakeSetup } from './helpers/client-setup.js';

describe('proactive refresh', () => {
  it('refreshes 30 s plus jitter (up to 10 s) before expiry, then again for the new tokens', async () => {
    // random() = 0.5: 900 s - 30 s - 5 s = 865 s.
    const { server, client, clock } = fakeSetup();
    await client.login({ email: 'ada@example.com', password: 'pw' });
    await clock.advance(864_999);
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(0);
    await clock.advance(1);
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(1);
    await clock.advance(865_000);
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(2);
    client.close();
  });

  it('jitter spreads clients: random() = 0 refreshes at 870 s, random() → 1 near 860 s', async () => {
    const early = fakeSetup({}, { random: () => 0.999 });
    const late = fakeSetup({}, { random: () => 0 });
    await early.client.login({ email: 'ada@example.com', password: 'pw' });
    await late.client.login({ email: 'ada@example.com', password: 'pw' });
    expect(early.clock.pending()).toEqual([860_010]);
    expect(late.clock.pending()).toEqual([870_000]);
  });

  it('a lifetime shorter than the lead refreshes halfway, not at once', async () => {
    const { server, client, clock } = fakeSetup({ accessTtlSeconds: 40 });
    await client.login({ email: 'ada@example.com', password: 'pw' });
    expect(clock.pending()).toEqual([20_000]);
    await clock.advance(20_000);
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(1);
  });

  it('stops on logout, on close, and when turned off', async () => {
    const { client, clock } = fakeSetup();
    await client.login({ email: 'ada@example.com', password: 'pw' });
    await client.logout();
    expect(clock.pending()).toEqual([]);

    const closed = fakeSetup();
    await closed.client.login({ email: 'ada@example.com', password: 'pw' });
    closed.client.close();
    expect(closed.clock.pending()).toEqual([]);

    const off = fakeSetup({}, { proactiveRefresh: false });
    await off.client.login({ email: 'ada@example.com', password: 'pw' });
    expect(off.clock.pending()).toEqual([]);
  });
});
