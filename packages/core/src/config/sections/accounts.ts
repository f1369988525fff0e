/** `accounts` and `tenancy`: who may sign up, how one-time secrets reach them, which tenants exist. */
import * as z from 'zod';

import { isDomain } from '../checks.js';
import { checked, DAY, HOUR, int, MINUTE } from '../schema-kit.js';

/**
 * How a one-time secret reaches the user: 'token' (a link with a 256-bit token), 'otp'
 * (a code entered with the email) or 'uuid' (a code entered with the challenge id).
 */
function oneTimeSecretSchema(linkTtlSeconds: number) {
  return z
    .strictObject({
      strategy: z.enum(['token', 'otp', 'uuid']).default('token'),
      // Digits of a code (otp/uuid): 6 to 10. With maxAttempts 5, a 6-digit code is
      // guessed with probability 5 in a million per challenge.
      codeDigits: int(6, 10).default(6),
      // Codes live 10 minutes (typed from the mail at once).
      codeTtlSeconds: int(60, DAY).default(10 * MINUTE),
      // Links live as long as linkTtlSeconds (see each use).
      linkTtlSeconds: int(60, 7 * DAY).default(linkTtlSeconds),
      // Wrong submissions before the challenge dies (a new one must be requested).
      maxAttempts: int(1, 20).default(5),
    })
    .prefault({});
}

export const accountsSchema = z.strictObject({
  // Email must be verified before login (API.md): stops squatting on others' addresses.
  requireVerifiedEmail: z.boolean().default(true),
  // Register/forgot/resend answer the same for known and unknown emails.
  enumerationProtection: z.boolean().default(true),
  // Public sign-up on; turn off for invite-only installs.
  signupEnabled: z.boolean().default(true),
  // When non-empty, only these email domains may sign up.
  signupAllowedDomains: z.array(checked(isDomain, 'a lower-case domain like example.com')).default([]),
  // Email verification: links live 24 h (people open mail later), codes 10 min.
  verification: oneTimeSecretSchema(DAY),
  // Password reset: links live 1 h (OWASP Forgot Password Cheat Sheet: short-lived).
  passwordReset: oneTimeSecretSchema(HOUR),
  // Magic links (passwordless sign-in): 10 min, single-use; off turns the routes into 403.
  magicLinks: z
    .strictObject({ enabled: z.boolean().default(true), ttlSeconds: int(60, DAY).default(10 * MINUTE) })
    .prefault({}),
  // Email change: a code sent to the new address, 10 min, 5 attempts.
  emailChange: z
    .strictObject({
      codeDigits: int(6, 10).default(6),
      codeTtlSeconds: int(60, DAY).default(10 * MINUTE),
      maxAttempts: int(1, 20).default(5),
    })
    .prefault({}),
});

export const tenancySchema = z.strictObject({
  // Multi-tenancy switch (x-tenant-id header); off = one implicit tenant.
  multiTenant: z.boolean().default(false),
  // Tenants created at start (slugs).
  tenants: z
    .array(
      checked(
        (value) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(value),
        'a slug: lower-case letters, digits and "-", starting with a letter or digit, at most 63 characters',
      ),
    )
    .default([]),
  // How often each instance reloads the tenant list, so tenants created by another
  // instance or the CLI are served within 30 s.
  refreshIntervalSeconds: int(1, HOUR).default(30),
});
