import { describe, expect, it } from 'vitest';
import { GatehouseClient, sessionStorageAdapter, type WebStorageLike } from '../src/index.js';
import { BASE_URL } from './helpers/client-setup.js';
import { FakeChannelHub, FakeLocks } from './helpers/cross-tab-doubles.js';
import { FakeClock } from './helpers/fake-clock.js';
import { FakeGatehouse } from './helpers/fake-gatehouse.js';

/** A tab's sessionStorage. */
class TabStorage implements WebStorageLike {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

/**
 * Tabs of one browser with the token in the body and a sessionStorage each, opened from one
 * another (so each started with a copy of the same session: the same refresh token).
 */
async function tabsSharingOneSession(count: number, withLocks: boolean, accessTtlSeconds = 900) {
  const server = new FakeGatehouse({ accessTtlSeconds });
  const clock = new FakeClock();
  const hub = new FakeChannelHub();
  const locks = new FakeLocks();
  const openTab = (storage: TabStorage) =>
    new GatehouseClient({
      baseUrl: BASE_URL,
      fetch: server.fetch,
      clock,
      random: Math.random,
      storage: sessionStorageAdapter(storage),
      crossTab: { locks: withLocks ? locks : null, channel: hub.channel() },
      // Short-lived tokens: the test, not the timer, decides when the tabs refresh.
      proactiveRefresh: accessTtlSeconds >= 60,
    });
  const storages = [new TabStorage()];
  const tabs = [openTab(storages[0]!)];
  await tabs[0]!.login({ email: 'ada@example.com', password: 'pw' });
  while (tabs.length < count) {
    const copy = new TabStorage();
    for (const [key, value] of storages[0]!.items) copy.items.set(key, value);
    storages.push(copy);
    tabs.push(openTab(copy));
  }
  await clock.advance(0); // each tab has read its storage
  return { server, clock, hub, locks, tabs, storages };
}

describe('across tabs', () => {
  it('with Web Locks: three tabs refreshing at once make one refresh; the others use its tokens', async () => {
    const { server, clock, tabs, storages } = await tabsSharingOneSession(3, true);
    const refreshed: string[] = [];
    tabs.forEach((tab, i) => tab.on('tokenRefreshed', () => refreshed.push(`tab${i}`)));
    server.expireAccessTokens();

    const answers = Promise.all(tabs.map((tab) => tab.me()));
    await clock.advance(1_000);

    expect((await answers).map((answer) => answer.user.id)).toEqual(['user-1', 'user-1', 'user-1']);
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(1);
    const sessions = await Promise.all(tabs.map((tab) => tab.session()));
    expect(new Set(sessions.map((session) => session!.refreshToken))).toEqual(new Set(['refresh-2']));
    // Each tab's own sessionStorage got the new tokens (the next reload must not use refresh-1).
    for (const storage of storages) expect(storage.items.get('gatehouse.session')).toContain('"refresh-2"');
    expect(refreshed.sort()).toEqual(['tab0', 'tab1', 'tab2']);
  });

  it('with Web Locks and 1-second access tokens: still one refresh (a short token another tab just got is adopted)', async () => {
    const { server, clock, tabs } = await tabsSharingOneSession(3, true, 1);
    await clock.advance(2_000); // every tab's access token has expired
    server.expireAccessTokens();

    const answers = Promise.all(tabs.map((tab) => tab.me()));
    await clock.advance(100);

    expect((await answers).map((answer) => answer.user.id)).toEqual(['user-1', 'user-1', 'user-1']);
    expect(server.callsTo('POST', '/auth/refresh')).toHaveLength(1);
  });

  it('without Web Locks: the losers meet 409, take the winner tokens from the broadcast, nobody signed out', async () => {
    const { server, clock, tabs } = await tabsSharingOneSession(3, false);
    const endings: string[] = [];
    for (const tab of tabs) {
      tab.on('signedOut', () => endings.push('signedOut'));
      tab.on('sessionRevoked', () => endings.push('sessionRevoked'));
    }
    server.expireAccessTokens();

    const answers = Promise.all(tabs.map((tab) => tab.me()));
    await clock.advance(1_000);

    expect((await answers).map((answer) => answer.user.id)).toEqual(['user-1', 'user-1', 'user-1']);
    const refreshes = server.callsTo('POST', '/auth/refresh');
    expect(refreshes).toHaveLength(3); // one winner, two 409s, nothing resent
    expect(
      refreshes.every((call) => (call.body as { refreshToken: string }).refreshToken === 'refresh-1'),
    ).toBe(true);
    expect(endings).toEqual([]);
    const sessions = await Promise.all(tabs.map((tab) => tab.session()));
    expect(new Set(sessions.map((session) => session!.accessToken)).size).toBe(1);
  });

  it('a logout in one tab signs out the tabs of the same session', async () => {
    const { tabs, clock } = await tabsSharingOneSession(2, true);
    const reasons: string[] = [];
    tabs[1]!.on('signedOut', ({ reason }) => reasons.push(reason));
    await tabs[0]!.logout();
    await clock.advance(0);
    expect(reasons).toEqual(['other_tab']);
    expect(await tabs[1]!.session()).toBeNull();
  });

  it('ignores tokens of another session in body mode', async () => {
    const { tabs, hub, clock } = await tabsSharingOneSession(2, true);
    const before = await tabs[1]!.session();
    const stranger = hub.channel();
    stranger.postMessage({
      type: 'tokens',
      key: 'gatehouse.session',
      session: {
        ...before!,
        sessionId: 'someone-else',
        accessToken: 'x',
        expiresAt: clock.now() + 10_000_000,
      },
    });
    await clock.advance(0);
    expect(await tabs[1]!.session()).toEqual(before);
  });
});
