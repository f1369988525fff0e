import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

export interface ApiAreaOptions {
  /** Bodies above this are refused with 413 before parsing (64 KiB for auth and users). */
  bodyLimit: number;
  /** `cache-control: no-store` on every response of the area (auth and token-bearing answers). */
  noStore?: boolean;
}

/**
 * Registers a group of routes under a prefix with its own body limit and caching
 * rule. Encapsulated hooks apply to exactly the routes the area registers, so no
 * gate depends on matching paths.
 */
export async function registerApiArea(
  app: FastifyInstance,
  prefix: string,
  routes: FastifyPluginAsync,
  options: ApiAreaOptions,
): Promise<void> {
  await app.register(
    async (area) => {
      area.addHook('onRoute', (route) => {
        route.bodyLimit ??= options.bodyLimit;
      });
      if (options.noStore) {
        area.addHook('onRequest', async (_request, reply) => {
          reply.header('cache-control', 'no-store');
        });
      }
      await area.register(routes);
    },
    { prefix },
  );
}
