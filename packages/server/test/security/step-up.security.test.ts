/**
 * Step-up under attack (API.md "Step-up", "Refresh replay"): the refresh token a step-up
 * rotated away must stay a reuse alarm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@gatehouse/core';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { PASSWORD } from '../lifecycle/client.js';
import { mfaClient } from '../mfa/totp-client.js';

describe('step-up and the refresh tokens it rotates', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  let server: TestServer;
  let api: ReturnType<typeof mfaClient>;
  let n = 0;
  beforeAll(async () => {
    server = await createTestServer({ passwords: { argon2: { memoryKiB: 1024, iterations: 1 } } }, { clock });
    await server.app.ready();
    api = mfaClient(server, clock);
  });
  afterAll(() => server.close());

  const signedIn = async () => {
    const email = `stepper${++n}@example.com`;
    await server.createUser(email, PASSWORD);
    return api.login(email);
  };
  const refresh = (refreshToken: string) => api.post('/auth/refresh', { refreshToken });

  it('the pre-step-up refresh token, replayed after the next refresh, is reuse: 401 and the session ends', async () => {
    const session = await signedIn();
    const stepped = await api.post('/auth/step-up', { password: PASSWORD }, session.accessToken);
    expect(stepped.statusCode, stepped.body).toBe(200);
    const next = await refresh(stepped.json().refreshToken);
    expect(next.statusCode, next.body).toBe(200);

    const replay = await refresh(session.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('refresh_token_reused');
    expect((await refresh(next.json().refreshToken)).json().code).toBe('invalid_refresh_token');
    expect((await api.get('/auth/me', next.json().accessToken)).statusCode).toBe(401);
  });

  it('a refresh token two rotations before the step-up is reuse too', async () => {
    const session = await signedIn();
    const rotated = (await refresh(session.refreshToken)).json();
    const stepped = (await api.post('/auth/step-up', { password: PASSWORD }, rotated.accessToken)).json();
    clock.advance(11_000); // past the conflict window: no tab can still be racing
    const replay = await refresh(session.refreshToken);
    expect(replay.json().code).toBe('refresh_token_reused');
    expect((await refresh(stepped.refreshToken)).statusCode).toBe(401);
  });
});
