/**
 * After a busy run of every flow (register, login, failures, lockout, refresh, conflict,
 * reuse, revoke, logout), no secret appears in any audit event or any log line: passwords
 * (right or wrong), access tokens, refresh tokens, their secrets and stored hashes, and
 * password hashes.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig, hashRefreshSecret } from '@gatehouse/core';
import { loggerOptions } from '../../src/logging.js';
import { CHEAP_ARGON2, openSecurityServer, type SecurityServer, type TokenPair } from './harness.js';
import { storesOf } from '../helpers/stores.js';

const PASSWORDS = {
  right: 'Kestrel-Umbrella-Sonata-81',
  wrong: 'Kestrel-Umbrella-Sonata-18',
  registered: 'Quokka-Lantern-Mirage-27',
  overLong: `Marmot-${'q'.repeat(300)}`,
};

function captureLogger(): { logger: FastifyBaseLogger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const options = loggerOptions(createConfig({ server: { logLevel: 'trace' } }));
  return { logger: pino(options, stream) as unknown as FastifyBaseLogger, lines };
}

describe('no secret in audit events or logs', () => {
  const capture = captureLogger();
  let server: SecurityServer;
  const secrets = new Map<string, string>();
  const remember = (name: string, value: string) => {
    expect(value.length, name).toBeGreaterThanOrEqual(16); // long enough that a match means a leak
    secrets.set(name, value);
  };
  const rememberPair = (label: string, pair: TokenPair) => {
    const secret = pair.refreshToken.split('.')[4]!;
    remember(`${label} access token`, pair.accessToken);
    remember(`${label} access token signature`, pair.accessToken.split('.')[2]!);
    remember(`${label} refresh token`, pair.refreshToken);
    remember(`${label} refresh secret`, secret);
    remember(`${label} stored refresh hash`, hashRefreshSecret(secret));
  };

  beforeAll(async () => {
    server = await openSecurityServer(
      { passwords: CHEAP_ARGON2, rateLimits: { login: { lockoutThreshold: 3 } } },
      { logger: capture.logger },
    );
    for (const [name, value] of Object.entries(PASSWORDS)) remember(`password ${name}`, value);

    // Register: a new account, then the same email again (enumeration path).
    for (let i = 0; i < 2; i++) {
      await server.post('/auth/register', { email: 'fresh@example.com', password: PASSWORDS.registered });
    }
    const userId = await server.createUser('owner@example.com', PASSWORDS.right);
    // Failed logins: wrong password, unknown email, over-long password, then a lockout.
    await server.post('/auth/login', { email: 'owner@example.com', password: PASSWORDS.wrong });
    await server.post('/auth/login', { email: 'ghost@example.com', password: PASSWORDS.wrong });
    await server.post('/auth/login', { email: 'owner@example.com', password: PASSWORDS.overLong });
    await server.createUser('locked@example.com', PASSWORDS.right);
    for (let i = 0; i < 4; i++) {
      await server.post('/auth/login', { email: 'locked@example.com', password: PASSWORDS.wrong });
    }
    await server.post('/auth/login', { email: 'locked@example.com', password: PASSWORDS.right });

    // Sign in, refresh, race, replay from another device, sign in again, log out.
    const first = await server.login('owner@example.com', PASSWORDS.right);
    rememberPair('first', first);
    const second = (
      await server.post('/auth/refresh', { refreshToken: first.refreshToken })
    ).json() as TokenPair;
    rememberPair('second', second);
    await server.post('/auth/refresh', { refreshToken: first.refreshToken }); // 409 conflict
    await server.get('/auth/me', { token: second.accessToken });
    await server.get('/auth/verify-token?mode=strict', { token: second.accessToken });
    await server.post(
      '/auth/refresh',
      { refreshToken: first.refreshToken },
      { headers: { 'user-agent': 'thief' } },
    );
    await server.get('/auth/me', { token: second.accessToken }); // revoked by the reuse
    const third = await server.login('owner@example.com', PASSWORDS.right);
    rememberPair('third', third);
    const fourth = await server.login('owner@example.com', PASSWORDS.right);
    rememberPair('fourth', fourth);
    await server.post('/auth/revoke', { refreshToken: fourth.refreshToken });
    await server.post('/auth/logout', { refreshToken: third.refreshToken }, { token: third.accessToken });
    const fifth = await server.login('owner@example.com', PASSWORDS.right);
    rememberPair('fifth', fifth);
    await server.post('/auth/logout-all', undefined, { token: fifth.accessToken });

    for (const [name, id] of [
      ['owner', userId],
      ['fresh', (await storesOf(server.engine).users.findByEmail('default', 'fresh@example.com'))!.id],
    ]) {
      const hash = await storesOf(server.engine).users.passwordHash(id!);
      remember(`${name} password hash`, hash!);
      remember(`${name} password hash digest`, hash!.split('$').at(-1)!);
      remember(`${name} password hash salt`, hash!.split('$').at(-2)!);
    }
  });
  afterAll(() => server.close());

  it('the run produced the events and log lines it is meant to check (else the scan proves nothing)', async () => {
    const types = new Set((await server.audit()).map((event) => event.type));
    for (const type of [
      'register.succeeded',
      'register.existing_email',
      'login.failed',
      'account.locked',
      'login.throttled',
      'login.succeeded',
      'refresh.rotated',
      'refresh.conflict',
      'refresh.reuse_detected',
      'refresh.revoked',
      'session.revoked',
      'sessions.revoked_all',
    ]) {
      expect(types, type).toContain(type);
    }
    expect(capture.lines.length).toBeGreaterThan(20);
  });

  it('no audit event contains a secret', async () => {
    const events = await server.audit();
    for (const event of events) {
      const text = JSON.stringify(event);
      for (const [name, secret] of secrets)
        expect(text.includes(secret), `${name} in ${event.type}`).toBe(false);
    }
  });

  it('no log line contains a secret', () => {
    for (const line of capture.lines) {
      for (const [name, secret] of secrets)
        expect(line.includes(secret), `${name} in ${line.slice(0, 200)}`).toBe(false);
    }
  });
});
