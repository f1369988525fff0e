import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { client } from './client.js';

describe('development outbox', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
    await server.app.ready();
  });
  afterAll(() => server.close());

  it('lists messages for loopback callers in the API.md shape, newest first', async () => {
    const api = client(server);
    await api.register('outbox@example.com');
    await api.post('/auth/verify-email/resend', { email: 'outbox@example.com' });
    await server.gatehouse.jobs.drain();
    const response = await server.app.inject({ url: '/api/v1/dev/outbox?to=outbox@example.com' });
    expect(response.statusCode).toBe(200);
    const { messages } = response.json();
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({
      to: 'outbox@example.com',
      channel: 'email',
      template: 'verify_email',
    });
    expect(Object.keys(messages[0]).sort()).toEqual(
      [
        'codes',
        'createdAt',
        'data',
        'html',
        'id',
        'links',
        'subject',
        'template',
        'text',
        'to',
        'channel',
      ].sort(),
    );
    expect(Date.parse(messages[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(messages[1].createdAt));
  });

  it('refuses callers off loopback by socket address, whatever x-forwarded-for says', async () => {
    for (const remoteAddress of ['10.1.2.3', '192.168.0.5', '::ffff:10.0.0.1', '2001:db8::1']) {
      const response = await server.app.inject({
        url: '/api/v1/dev/outbox?to=outbox@example.com',
        remoteAddress,
        headers: { 'x-forwarded-for': '127.0.0.1' },
      });
      expect(response.statusCode, remoteAddress).toBe(404);
    }
    for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const response = await server.app.inject({ url: '/api/v1/dev/outbox?to=x@example.com', remoteAddress });
      expect(response.statusCode, remoteAddress).toBe(200);
    }
  });

  it('refuses a loopback peer that relays for someone else (a reverse proxy on the same host)', async () => {
    const relayed: Record<string, string>[] = [
      { 'x-forwarded-for': '203.0.113.9' },
      { 'x-forwarded-for': '127.0.0.1' },
      { forwarded: 'for=203.0.113.9;proto=https' },
      { 'x-real-ip': '203.0.113.9' },
      { 'x-forwarded-host': 'auth.example.com' },
      { 'x-forwarded-proto': 'https' },
      { 'cf-connecting-ip': '203.0.113.9' },
      { 'true-client-ip': '203.0.113.9' },
      { via: '1.1 caddy' },
      { 'X-Forwarded-For': '' },
    ];
    for (const headers of relayed) {
      for (const remoteAddress of ['127.0.0.1', '::1']) {
        const response = await server.app.inject({
          url: '/api/v1/dev/outbox?to=outbox@example.com',
          remoteAddress,
          headers,
        });
        expect(response.statusCode, JSON.stringify(headers)).toBe(404);
        expect(response.json().code).toBe('not_found');
      }
    }
  });
});

describe('development outbox behind a trusted proxy', () => {
  it('answers no relayed caller, even when the proxy is trusted and vouches for loopback', async () => {
    const server = await createTestServer({ server: { trustedProxies: ['loopback'] } });
    try {
      await server.app.ready();
      const url = '/api/v1/dev/outbox?to=x@example.com';
      for (const forwardedFor of ['203.0.113.9', '2001:db8::9', '127.0.0.1']) {
        const response = await server.app.inject({
          url,
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': forwardedFor },
        });
        expect(response.statusCode, forwardedFor).toBe(404);
      }
      expect((await server.app.inject({ url, remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('development outbox in production', () => {
  it('does not exist, even with the outbox transport chosen explicitly', async () => {
    const server = await createTestServer({
      environment: 'production',
      mail: { transport: 'outbox' },
      server: { publicUrl: 'https://auth.example.com' },
    });
    try {
      await server.app.ready();
      const response = await server.app.inject({ url: '/api/v1/dev/outbox?to=x@example.com' });
      expect(response.statusCode).toBe(404);
    } finally {
      await server.close();
    }
  });
});
