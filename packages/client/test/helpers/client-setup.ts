import { GatehouseClient, type GatehouseClientOptions } from '../../src/index.js';
import { FakeClock } from './fake-clock.js';
import { FakeGatehouse, type FakeGatehouseOptions } from './fake-gatehouse.js';

export const BASE_URL = 'https://auth.example.com';

/** A client over a fake server with a fake clock, fixed jitter (0.5) and no other tabs. */
export function fakeSetup(
  serverOptions: FakeGatehouseOptions = {},
  clientOptions: Partial<GatehouseClientOptions> = {},
) {
  const server = new FakeGatehouse(serverOptions);
  const clock = new FakeClock();
  const client = new GatehouseClient({
    baseUrl: BASE_URL,
    fetch: server.fetch,
    clock,
    random: () => 0.5,
    cookieMode: serverOptions.cookieMode ?? false,
    crossTab: { locks: null, channel: null },
    ...clientOptions,
  });
  return { server, clock, client };
}
