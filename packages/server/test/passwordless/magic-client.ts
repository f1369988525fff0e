import { expect } from 'vitest';
import type { OutboxEntry } from '@gatehouse/core';
import type { TestServer } from '../helpers/test-gatehouse.js';
import { client } from '../lifecycle/client.js';

/** The confirm page's path, as the emailed link names it (after the public URL). */
export const CONFIRM_PATH = '/api/v1/auth/magic-link/confirm';

/** The lifecycle client plus magic-link steps: request a link, read it from the outbox, open it. */
export function magicClient(server: TestServer) {
  const api = client(server);
  return {
    ...api,
    /** Requests a link (expects 202) and returns the mail that carries it. */
    async requestLink(email: string, redirectTo?: string): Promise<OutboxEntry> {
      const response = await api.post('/auth/magic-link', { email, ...(redirectTo ? { redirectTo } : {}) });
      expect(response.statusCode, response.body).toBe(202);
      return api.lastMessage(email, 'magic_link');
    },
    /** Opens the emailed link as a browser would (a GET of the confirm page). */
    openLink(message: OutboxEntry) {
      const link = new URL(String(message.data.url));
      return server.app.inject({
        url: `${link.pathname}${link.search}`,
        headers: { 'user-agent': 'vitest' },
      });
    },
    verify(token: string, headers: Record<string, string> = {}) {
      return server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/magic-link/verify',
        payload: { token },
        headers: { 'user-agent': 'vitest', ...headers },
      });
    },
  };
}

export const linkTokenOf = (message: OutboxEntry) => String(message.data.token);
