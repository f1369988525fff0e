/**
 * `rateLimits`: how often one client, address or account may try each thing. Every limit
 * is a fixed window; `enabled: false` lifts them all (limits/limit-of.ts).
 */
import * as z from 'zod';

import { HOUR, int, MINUTE } from '../schema-kit.js';

/** Per identifier and per IP in one window (request-type limits). */
function requestLimits(perIdentifier: number, perIp: number, windowSeconds: number) {
  return z
    .strictObject({
      perIdentifier: int(1).default(perIdentifier),
      perIp: int(1).default(perIp),
      windowSeconds: int(1).default(windowSeconds),
    })
    .prefault({});
}

export const rateLimitsSchema = z.strictObject({
  // Master switch. Disabling it leaves passwords open to online guessing; lint warns.
  enabled: z.boolean().default(true),
  // Per-IP limits count an IPv6 client by its /64: one subscriber gets a whole /64 and
  // picks addresses in it freely, so a per-address count would be no limit. 48 or 56 for
  // networks that hand out larger blocks; 128 counts single addresses. IPv4 (and
  // IPv4-mapped IPv6) is always counted per address.
  ipv6Prefix: int(32, 128).default(64),
  // Login throttles per API.md: 10 failures per (identifier, IP) and 100 per
  // IP in 15 min; 100 consecutive failures lock the identifier for 15 min
  // (NIST 800-63B's ceiling).
  login: z
    .strictObject({
      perIdentifierAndIp: int(1).default(10),
      perIp: int(1).default(100),
      windowSeconds: int(1).default(15 * MINUTE),
      lockoutThreshold: int(1).default(100),
      lockoutSeconds: int(1).default(15 * MINUTE),
    })
    .prefault({}),
  // Sign-ups per IP: 20 an hour stops scripted account creation, not offices.
  register: z.strictObject({ perIp: int(1).default(20), windowSeconds: int(1).default(HOUR) }).prefault({}),
  // Refreshes per session and device: 60 a minute is far above any honest client.
  refresh: z
    .strictObject({ perSession: int(1).default(60), windowSeconds: int(1).default(MINUTE) })
    .prefault({}),
  // Verification-email requests (register's mail, resend): 5 an hour per address stops
  // mail bombing; 20 per IP stops one client spraying addresses. Counted identically
  // for unknown addresses, so a 429 reveals nothing.
  verificationRequests: requestLimits(5, 20, HOUR),
  // Password-reset requests (forgot): the same reasoning and numbers.
  resetRequests: requestLimits(5, 20, HOUR),
  // Magic-link requests: the same reasoning and numbers.
  magicLinkRequests: requestLimits(5, 20, HOUR),
  // OAuth callbacks and exchanges per IP: 60 a minute is far above a person signing in.
  oauth: z.strictObject({ perIp: int(1).default(60), windowSeconds: int(1).default(MINUTE) }).prefault({}),
  // SMS codes sent (setup and login challenges) per user: 5 an hour bounds SMS cost abuse.
  smsCodes: z.strictObject({ perUser: int(1).default(5), windowSeconds: int(1).default(HOUR) }).prefault({}),
  // Code/token submissions (verify-email, password reset) per IP: 30 per 15 min; each
  // challenge also dies after its own attempt limit (accounts.*.maxAttempts).
  codeSubmissions: z
    .strictObject({ perIp: int(1).default(30), windowSeconds: int(1).default(15 * MINUTE) })
    .prefault({}),
  // Password changes per user: 10 an hour; a wrong current password also counts
  // toward the login throttles, so a stolen access token cannot guess it.
  passwordChange: z
    .strictObject({ perUser: int(1).default(10), windowSeconds: int(1).default(HOUR) })
    .prefault({}),
});
