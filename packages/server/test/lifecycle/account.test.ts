import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { client, PASSWORD } from './client.js';
import { storesOf } from '../helpers/stores.js';

describe('profile and account deletion', () => {
  const clock = new ManualClock(Date.now());
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await createTestServer({ accounts: { enumerationProtection: false } }, { clock });
    await server.app.ready();
    api = client(server);
  });
  afterAll(() => server.close());

  it('reads and writes name and locale only', async () => {
    await server.createUser('profile@example.com', PASSWORD);
    const { accessToken } = await api.login('profile@example.com');
    expect((await api.get('/users/profile', accessToken)).json()).toEqual({ name: null, locale: null });
    const updated = await api.put('/users/profile', { name: '  Ada  ', locale: 'pt-BR' }, accessToken);
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toEqual({ name: 'Ada', locale: 'pt-BR' });
    expect((await api.put('/users/profile', { locale: null }, accessToken)).json()).toEqual({
      name: 'Ada',
      locale: null,
    });
    expect((await api.get('/users/profile')).statusCode).toBe(401);
  });

  it('refuses mass assignment and bad values with 400 and changes nothing', async () => {
    await server.createUser('mass@example.com', PASSWORD);
    const { accessToken } = await api.login('mass@example.com');
    for (const payload of [
      { name: 'x', roles: ['admin'] },
      { email: 'other@example.com' },
      { emailVerified: true },
      { status: 'active' },
      { locale: 'not a locale!' },
      { name: 'a\u0000b' },
      { name: 'x'.repeat(201) },
    ]) {
      const response = await api.put('/users/profile', payload, accessToken);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().code).toBe('validation_error');
    }
    const user = await storesOf(server.engine).users.findByEmail('default', 'mass@example.com');
    expect(user).toMatchObject({ roles: ['user'], name: null, email: 'mass@example.com' });
  });

  it('deletes with the current password: sessions end, login fails, the address stays taken', async () => {
    await server.createUser('leaving@example.com', PASSWORD);
    const one = await api.login('leaving@example.com');
    const two = await api.login('leaving@example.com');
    const wrong = await api.delete('/users/account', { password: 'not the password' }, one.accessToken);
    // A signed-in caller's wrong password is 400, never 401 (clients read 401 as "token dead").
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('invalid_current_password');
    const deleted = await api.delete('/users/account', { password: PASSWORD }, one.accessToken);
    expect(deleted.statusCode, deleted.body).toBe(204);
    for (const session of [one, two]) {
      expect((await api.get('/auth/me', session.accessToken)).statusCode).toBe(401);
      expect((await api.post('/auth/refresh', { refreshToken: session.refreshToken })).statusCode).toBe(401);
    }
    const login = await api.post('/auth/login', { email: 'leaving@example.com', password: PASSWORD });
    expect(login.statusCode).toBe(401);
    expect(login.json().code).toBe('invalid_credentials');
    // Nobody can take the identity over by registering it again.
    const takeover = await api.post('/auth/register', {
      email: 'Leaving@example.com',
      password: 'attacker passphrase 1',
    });
    expect(takeover.statusCode).toBe(409);
    // Nor reset their way in.
    await api.post('/auth/password/forgot', { email: 'leaving@example.com' });
    expect((await server.outbox('leaving@example.com')).some((m) => m.template === 'password_reset')).toBe(
      false,
    );
    const row = await storesOf(server.engine).users.findByEmail('default', 'leaving@example.com');
    expect(row).toMatchObject({ status: 'deleted', name: null });
    expect(await storesOf(server.engine).users.passwordHash(row!.id)).toBeUndefined();
  });

  it('needs a recent sign-in (step-up); the password body is optional', async () => {
    await server.createUser('stale@example.com', PASSWORD);
    const session = await api.login('stale@example.com');
    clock.advance(6 * 60_000);
    const stale = await api.delete('/users/account', undefined, session.accessToken);
    expect(stale.statusCode, stale.body).toBe(403);
    expect(stale.json().code).toBe('step_up_required');
    const stepped = await api.post('/auth/step-up', { password: PASSWORD }, session.accessToken);
    expect(stepped.statusCode, stepped.body).toBe(200);
    const deleted = await api.delete('/users/account', undefined, stepped.json().accessToken);
    expect(deleted.statusCode, deleted.body).toBe(204);
  });
});
