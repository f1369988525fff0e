import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OutboxStore } from '@gatehouse/core';
import { problem } from '../../errors/problem.js';
import { sendProblem } from '../../plugins/error-handler.js';
import { problemSchema } from '../schemas.js';

const messageSchema = z.object({
  id: z.string(),
  to: z.string(),
  channel: z.enum(['email', 'sms']),
  template: z.string(),
  subject: z.string().nullable(),
  text: z.string(),
  html: z.string().nullable(),
  createdAt: z.string(),
  links: z.array(z.string()),
  codes: z.array(z.string()),
  data: z.record(z.string(), z.unknown()),
});

/**
 * Loopback by the socket's address — never a forwarded header, which any client can set
 * (and trusted proxies would make `request.ip` a remote client's anyway).
 */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(?:::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/**
 * Headers a reverse proxy (nginx, Caddy, a CDN, a tunnel) adds for the client it speaks for.
 * A proxy on the same host connects from loopback, so the socket address alone would let it
 * hand the outbox to anyone on the internet: any of these marks the request as relayed.
 */
const FORWARDING_HEADERS = [
  'forwarded',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
  'via',
];

export function isRelayed(headers: Record<string, unknown>): boolean {
  return Object.keys(headers).some(
    (name) => name.startsWith('x-forwarded-') || FORWARDING_HEADERS.includes(name),
  );
}

/**
 * GET /api/v1/dev/outbox?to= (API.md "Development outbox"). Registered only with the outbox
 * transport outside production; answers only a direct loopback caller: the socket address and
 * the resolved client address (`request.ip`, through trusted proxies) both on loopback, and
 * no forwarding header. Anyone else gets 404, as if the route did not exist.
 */
export async function outboxRoutes(app: FastifyInstance, outbox: OutboxStore): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/outbox',
    {
      schema: {
        tags: ['development'],
        summary: 'Messages the outbox transport stored for an address, newest first (loopback only)',
        querystring: z.object({ to: z.string().min(1).max(320) }).strict(),
        response: { 200: z.object({ messages: z.array(messageSchema) }), 404: problemSchema },
      },
    },
    async (request, reply) => {
      const direct =
        isLoopback(request.socket.remoteAddress) && isLoopback(request.ip) && !isRelayed(request.headers);
      if (!direct) {
        return sendProblem(reply, problem('not_found', request.id));
      }
      return { messages: await outbox.list(request.query.to) };
    },
  );
}
