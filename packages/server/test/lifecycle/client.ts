import { expect } from 'vitest';
import type { OutboxEntry } from '@gatehouse/core';
import type { TestServer } from '../helpers/test-gatehouse.js';

export const PASSWORD = 'a sturdy passphrase 42';
export const NEW_PASSWORD = 'another fine passphrase 7';

export interface TokenPairBody {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  user: { id: string; email: string; emailVerified: boolean };
}

/** Small HTTP helpers over `app.inject` for the lifecycle tests. */
export function client(server: TestServer) {
  const headers = (token?: string, extra: Record<string, string> = {}) => ({
    'user-agent': 'vitest',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });
  const send = (method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, token?: string) =>
    server.app.inject({
      method,
      url: `/api/v1${url}`,
      ...(payload ? { payload } : {}),
      headers: headers(token),
    });
  const api = {
    post: (url: string, payload?: object, token?: string) => send('POST', url, payload, token),
    put: (url: string, payload?: object, token?: string) => send('PUT', url, payload, token),
    delete: (url: string, payload?: object, token?: string) => send('DELETE', url, payload, token),
    get: (url: string, token?: string) =>
      server.app.inject({ url: `/api/v1${url}`, headers: headers(token) }),
    async login(email: string, password = PASSWORD): Promise<TokenPairBody> {
      const response = await api.post('/auth/login', { email, password });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    },
    /** The newest message of `template` for `to` (after the queue ran). */
    async lastMessage(to: string, template: string): Promise<OutboxEntry> {
      const message = (await server.outbox(to)).find((entry) => entry.template === template);
      expect(message, `a ${template} message to ${to}`).toBeDefined();
      return message!;
    },
    /** Registers through HTTP and returns the verification message. */
    async register(email: string, password = PASSWORD): Promise<OutboxEntry> {
      const response = await api.post('/auth/register', { email, password });
      expect(response.statusCode, response.body).toBe(202);
      return api.lastMessage(email, 'verify_email');
    },
  };
  return api;
}

export const tokenOf = (message: OutboxEntry) => String(message.data.token);
export const codeOf = (message: OutboxEntry) => String(message.data.code);
