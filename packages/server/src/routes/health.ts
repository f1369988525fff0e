import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Gatehouse } from '@gatehouse/core';

const checkSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  latencyMs: z.number(),
});
const readinessSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.object({ database: checkSchema, stateStore: checkSchema, keys: checkSchema }),
});
type Check = z.infer<typeof checkSchema>;

/** Liveness needs nothing; readiness asks each backend, each bounded by a timeout, in parallel. */
export async function healthRoutes(app: FastifyInstance, gatehouse: Gatehouse): Promise<void> {
  const timeoutMs = gatehouse.config.server.readinessTimeoutMs;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { status: 'ok' as const };
    },
  );

  typed.get(
    '/health/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: database, state store and signing keys',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      const [database, stateStore, keys] = await Promise.all([
        probe(() => gatehouse.database.ping(), timeoutMs),
        probe(() => gatehouse.stateStore.ping(), timeoutMs),
        probe(async () => {
          if (!gatehouse.keyring.hasCurrentKey()) throw new Error('no current signing key');
        }, timeoutMs),
      ]);
      const ready = [database, stateStore, keys].every((check) => check.status === 'ok');
      reply.code(ready ? 200 : 503).header('cache-control', 'no-store');
      return {
        status: ready ? ('ok' as const) : ('unavailable' as const),
        checks: { database, stateStore, keys },
      };
    },
  );
}

async function probe(check: () => Promise<void>, timeoutMs: number): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { status: 'ok', latencyMs: elapsed(started) };
  } catch {
    return { status: 'unavailable', latencyMs: elapsed(started) };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 100) / 100;
