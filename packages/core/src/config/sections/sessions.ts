/** `sessions`: how long a session lives, how access tokens are checked against it. */
import * as z from 'zod';

import { DAY, int } from '../schema-kit.js';

export const sessionsSchema = z.strictObject({
  // How access tokens are checked: 'strict' asks the state store on every
  // request, so logout and revocation take effect at once (the safe default);
  // 'hybrid' caches revocation state briefly; 'jwt' checks only the signature.
  validationMode: z.enum(['jwt', 'hybrid', 'strict']).default('strict'),
  // A session unused this long ends: 30 days (API.md), like most consumer apps.
  idleTimeoutSeconds: int(1).default(30 * DAY),
  // A session ends this long after sign-in whatever its use: 90 days (API.md).
  absoluteLifetimeSeconds: int(1).default(90 * DAY),
  // A replayed, already rotated refresh token within this window is treated as
  // a race between tabs (409), not theft: 10 s (API.md).
  refreshConflictWindowSeconds: int(0, 60).default(10),
  // How long 'hybrid' mode may trust cached revocation state: at most 5 s (API.md).
  hybridCacheSeconds: int(0, 5).default(5),
  // Sessions 'hybrid' mode caches per instance at most (least recently used leave first):
  // 100 000 entries of a few hundred bytes bound the cache to tens of MiB.
  hybridCacheMaxEntries: int(1).default(100_000),
  // Most concurrent sessions per user / per tenant; null = unlimited.
  maxPerUser: int(1).nullable().default(null),
  maxPerTenant: int(1).nullable().default(null),
  // Bind refresh tokens to the device fingerprint: 'detect' records and
  // audits a mismatch, 'enforce' rejects it. Off: IPs change on mobile networks.
  deviceBinding: z.enum(['off', 'detect', 'enforce']).default('off'),
});
