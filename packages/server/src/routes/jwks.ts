import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Gatehouse } from '@gatehouse/core';

const jwkSchema = z
  .object({
    kid: z.string(),
    kty: z.string(),
    alg: z.enum(['EdDSA', 'ES256', 'RS256']),
    use: z.literal('sig'),
  })
  .catchall(z.unknown());

/**
 * Public keys for access-token verification: the current key, the next one (published
 * before it signs) and retired ones in their grace window. Cached by clients for no longer
 * than an instance takes to reload keys (`tokens.keyRefreshIntervalSeconds`): a rotation
 * waits that long (plus a margin) after the next key appeared, so a verifier that honours the
 * cache header has always seen a key before it signs.
 */
export async function jwksRoutes(app: FastifyInstance, gatehouse: Gatehouse): Promise<void> {
  const maxAge = gatehouse.config.tokens.keyRefreshIntervalSeconds;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['tokens'],
        summary: 'JSON Web Key Set for verifying access tokens',
        response: { 200: z.object({ keys: z.array(jwkSchema) }) },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', `public, max-age=${maxAge}`);
      return gatehouse.keyring.jwks() as { keys: z.infer<typeof jwkSchema>[] };
    },
  );
}
