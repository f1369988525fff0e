import type { Clock, GatehouseConfigInput } from '@gatehouse/core';
import { createTestServer, type TestServer } from '../helpers/test-gatehouse.js';
import { APP, oauthClient, PROVIDER } from './oauth-client.js';
import { CLIENT_ID, CLIENT_SECRET, startTestIdp, type TestIdp } from './test-idp.js';

export interface Testbed {
  idp: TestIdp;
  server: TestServer;
  api: ReturnType<typeof oauthClient>;
  close(): Promise<void>;
}

export interface TestbedOptions {
  clock?: Clock;
  /** Gatehouse's public URL (default http://localhost:3000); callbacks are registered under it. */
  publicUrl?: string;
  /** More provider ids, all the same test provider (each gets its own registered callback). */
  alsoAs?: string[];
  /** Settings merged over the defaults (top-level sections replace). */
  config?: GatehouseConfigInput;
  /** Extra providers that need the issuer (e.g. one configured wrongly on purpose). */
  extraProviders?: (issuer: string) => NonNullable<NonNullable<GatehouseConfigInput['oauth']>['providers']>;
}

/** A test OpenID provider and a Gatehouse configured with it as `idp` (and `alsoAs` ids). */
export async function startTestbed(options: TestbedOptions = {}): Promise<Testbed> {
  const publicUrl = options.publicUrl ?? 'http://localhost:3000';
  const ids = [PROVIDER, ...(options.alsoAs ?? [])];
  const idp = await startTestIdp(ids.map((id) => `${publicUrl}/api/v1/oauth/${id}/callback`));
  const provider = {
    kind: 'oidc',
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    issuer: idp.issuer,
  } as const;
  const server = await createTestServer(
    {
      passwords: { argon2: { memoryKiB: 1024, iterations: 1 } },
      server: { publicUrl, redirectOrigins: [APP] },
      oauth: {
        providers: {
          ...Object.fromEntries(ids.map((id) => [id, provider])),
          ...options.extraProviders?.(idp.issuer),
        },
      },
      ...options.config,
    },
    options.clock ? { clock: options.clock } : {},
  );
  await server.app.ready();
  return {
    idp,
    server,
    api: oauthClient(server, idp),
    async close() {
      await server.close();
      await idp.close();
    },
  };
}
