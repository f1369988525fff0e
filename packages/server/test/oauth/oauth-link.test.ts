import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import type { TestServer } from '../helpers/test-gatehouse.js';
import { PASSWORD } from '../lifecycle/client.js';
import { bindingOf, PROVIDER, RETURN_TO } from './oauth-client.js';
import type { TestIdp } from './test-idp.js';
import { startTestbed, type Testbed } from './testbed.js';

describe('linking and unlinking provider identities', () => {
  const clock = new ManualClock(Date.now());
  let idp: TestIdp;
  let server: TestServer;
  let api: Testbed['api'];
  let testbed: Testbed | undefined;

  beforeAll(async () => {
    testbed = await startTestbed({ clock });
    ({ idp, server, api } = testbed);
  });
  afterAll(() => testbed?.close());

  /** POST /link as `accessToken`, then the provider sign-in as `account` and the callback. */
  async function link(accessToken: string, account: string) {
    const started = await api.post(`/oauth/${PROVIDER}/link`, { redirectTo: RETURN_TO }, accessToken);
    expect(started.statusCode, started.body).toBe(200);
    expect(started.headers['cache-control']).toBe('no-store');
    const callbackUrl = await idp.signIn(started.json().authorizationUrl, account);
    const callback = await api.callback(callbackUrl, bindingOf(started));
    expect(callback.statusCode, callback.body).toBe(302);
    return new URL(String(callback.headers.location));
  }

  it('links a provider to a password account; the provider then signs into that account', async () => {
    const userId = await server.createUser('linker@example.com', PASSWORD);
    const session = await api.login('linker@example.com');
    // The provider's address need not match, nor be verified: the signed-in user vouches.
    idp.accounts.set('sub-linker', { email: 'linker@corp.example', email_verified: false });
    const landing = await link(session.accessToken, 'sub-linker');
    expect(landing.origin + landing.pathname).toBe(RETURN_TO);
    expect(landing.searchParams.get('linked')).toBe(PROVIDER);
    expect(landing.searchParams.get('code')).toBeNull();

    const listed = (await api.get('/oauth/accounts', session.accessToken)).json().accounts;
    expect(listed).toEqual([expect.objectContaining({ provider: PROVIDER, email: 'linker@corp.example' })]);
    expect((await api.oauthLogin('sub-linker')).user.id).toBe(userId);

    const notice = await api.lastMessage('linker@example.com', 'mfa_changed');
    expect(notice.data.change).toBe(`${PROVIDER} sign in linked`);
    await server.engine.audit.flush();
    expect(server.auditEvents.events).toContainEqual(
      expect.objectContaining({ type: 'oauth.linked', userId, data: { provider: PROVIDER } }),
    );
  });

  /** POST /link as `accessToken`: the provider URL and the browser's binding, callback not yet made. */
  async function startLink(accessToken: string) {
    const started = await api.post(`/oauth/${PROVIDER}/link`, { redirectTo: RETURN_TO }, accessToken);
    expect(started.statusCode, started.body).toBe(200);
    return { authorizationUrl: started.json().authorizationUrl as string, binding: bindingOf(started) };
  }

  it.each([
    [
      'logged out',
      (session: { accessToken: string }) => api.post('/auth/logout', undefined, session.accessToken),
    ],
    [
      'revoked from another device',
      async (session: { sessionId: string }, other: { accessToken: string }) =>
        api.delete(`/sessions/${session.sessionId}`, undefined, other.accessToken),
    ],
  ] as const)(
    'a link attempt dies with its session: %s before the callback → error=session_ended, nothing linked',
    async (label, endSession) => {
      const slug = label.replace(/\W+/g, '-');
      const userId = await server.createUser(`ended-${slug}@example.com`, PASSWORD);
      const session = await api.login(`ended-${slug}@example.com`);
      const other = await api.login(`ended-${slug}@example.com`);
      idp.accounts.set(`sub-ended-${slug}`, { email: `idp-${slug}@example.com`, email_verified: true });
      const { authorizationUrl, binding } = await startLink(session.accessToken);

      const ended = await endSession(session, other);
      expect(ended.statusCode, ended.body).toBe(204);
      const callbackUrl = await idp.signIn(authorizationUrl, `sub-ended-${slug}`);
      const callback = await api.callback(callbackUrl, binding);
      expect(callback.statusCode, callback.body).toBe(302);
      const landing = new URL(String(callback.headers.location));
      expect(landing.searchParams.get('error')).toBe('session_ended');
      expect(landing.searchParams.get('linked')).toBeNull();

      expect((await api.get('/oauth/accounts', other.accessToken)).json().accounts).toEqual([]);
      // The provider identity stayed unlinked: signing in with it makes a separate account.
      expect((await api.oauthLogin(`sub-ended-${slug}`)).user.id).not.toBe(userId);
      await server.engine.audit.flush();
      const events = server.auditEvents.events.filter((event) => event.userId === userId);
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'oauth.failed', reason: 'session_ended' }),
      );
      expect(events.map((event) => event.type)).not.toContain('oauth.linked');
    },
  );

  it('linking needs a bearer and a recent sign-in (step-up)', async () => {
    await server.createUser('stale@example.com', PASSWORD);
    const session = await api.login('stale@example.com');
    const anonymous = await api.post(`/oauth/${PROVIDER}/link`, { redirectTo: RETURN_TO });
    expect(anonymous.statusCode).toBe(401);
    clock.advance(6 * 60_000);
    const stale = await api.post(`/oauth/${PROVIDER}/link`, { redirectTo: RETURN_TO }, session.accessToken);
    expect(stale.statusCode).toBe(403);
    expect(stale.json().code).toBe('step_up_required');
    expect(stale.headers['set-cookie']).toBeUndefined();
  });

  it('an identity linked to one account is never moved to another (error=identity_in_use)', async () => {
    idp.accounts.set('sub-taken', { email: 'first-owner@example.com', email_verified: true });
    const owner = await api.oauthLogin('sub-taken');
    await server.createUser('second@example.com', PASSWORD);
    const other = await api.login('second@example.com');
    const landing = await link(other.accessToken, 'sub-taken');
    expect(landing.searchParams.get('error')).toBe('identity_in_use');
    expect((await api.get('/oauth/accounts', other.accessToken)).json().accounts).toEqual([]);
    expect((await api.oauthLogin('sub-taken')).user.id).toBe(owner.user.id);
  });

  it('linking the same identity again to its own account changes nothing', async () => {
    idp.accounts.set('sub-again', { email: 'again@example.com', email_verified: true });
    const session = await api.oauthLogin('sub-again');
    const landing = await link(session.accessToken, 'sub-again');
    expect(landing.searchParams.get('linked')).toBe(PROVIDER);
    expect((await api.get('/oauth/accounts', session.accessToken)).json().accounts).toHaveLength(1);
  });

  it('unlinking: step-up, only your own identity, never the last way in', async () => {
    idp.accounts.set('sub-only', { email: 'only@example.com', email_verified: true });
    const oauthOnly = await api.oauthLogin('sub-only');
    const [only] = (await api.get('/oauth/accounts', oauthOnly.accessToken)).json().accounts;
    const refused = await api.delete(`/oauth/accounts/${only.id}`, undefined, oauthOnly.accessToken);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('last_sign_in_method');

    await server.createUser('both@example.com', PASSWORD);
    const withPassword = await api.login('both@example.com');
    idp.accounts.set('sub-both', { email: 'both-idp@example.com', email_verified: true });
    await link(withPassword.accessToken, 'sub-both');
    const [mine] = (await api.get('/oauth/accounts', withPassword.accessToken)).json().accounts;
    // Another user's identity reads as unknown.
    const foreign = await api.delete(`/oauth/accounts/${only.id}`, undefined, withPassword.accessToken);
    expect(foreign.statusCode).toBe(404);

    clock.advance(6 * 60_000);
    const stale = await api.delete(`/oauth/accounts/${mine.id}`, undefined, withPassword.accessToken);
    expect(stale.statusCode).toBe(403);
    const fresh = await api.login('both@example.com');
    const unlinked = await api.delete(`/oauth/accounts/${mine.id}`, undefined, fresh.accessToken);
    expect(unlinked.statusCode, unlinked.body).toBe(204);
    expect((await api.get('/oauth/accounts', fresh.accessToken)).json().accounts).toEqual([]);
    // The provider identity is free again: its next login is a first login (a new account).
    expect((await api.oauthLogin('sub-both')).user.email).toBe('both-idp@example.com');
  });

  it('two concurrent unlinks of an account’s last two identities: one wins, one is refused', async () => {
    idp.accounts.set('sub-race-1', { email: 'race@example.com', email_verified: true });
    const session = await api.oauthLogin('sub-race-1');
    idp.accounts.set('sub-race-2', { email: 'race-2@example.com', email_verified: false });
    await link(session.accessToken, 'sub-race-2');
    const fresh = await api.oauthLogin('sub-race-1');
    const ids: string[] = (await api.get('/oauth/accounts', fresh.accessToken))
      .json()
      .accounts.map((account: { id: string }) => account.id);
    expect(ids).toHaveLength(2);
    const results = await Promise.all(
      ids.map((id) => api.delete(`/oauth/accounts/${id}`, undefined, fresh.accessToken)),
    );
    expect(results.map((result) => result.statusCode).sort()).toEqual([204, 409]);
  });
});
