/** `mfa` and `webauthn`: second factors and passkeys. */
import * as z from 'zod';

import { isOrigin } from '../checks.js';
import { checked, DAY, HOUR, int, MINUTE, nonEmpty } from '../schema-kit.js';

export const mfaSchema = z.strictObject({
  // Who must use a second factor: 'optional' (those who enrolled one), 'admins' (plus
  // every account with the admin role), 'all'. Someone required to use MFA without a
  // factor enrolled signs in only to enrol one (API.md "Sign-in policy").
  policy: z.enum(['optional', 'admins', 'all']).default('optional'),
  // A login challenge lives 5 min and dies after 5 failures (API.md "Second-factor codes").
  challengeTtlSeconds: int(30, 3_600).default(300),
  // Wrong second-factor codes per account per window → 429, whatever the challenge.
  maxFailures: int(1, 100).default(5),
  failureWindowSeconds: int(60, DAY).default(15 * MINUTE),
  // Factor and identity changes need a sign-in (or step-up) this recent (API.md "Step-up").
  stepUpMaxAgeSeconds: int(30, DAY).default(5 * MINUTE),
  totp: z
    .strictObject({
      // The issuer shown in authenticator apps. Resolved: mail.productName.
      issuer: nonEmpty.max(100).optional(),
      // RFC 6238 defaults every authenticator app supports.
      algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']).default('SHA1'),
      digits: int(6, 8).default(6),
      periodSeconds: int(15, 120).default(30),
      // Steps accepted either side of now: ±1 (API.md) absorbs clock drift and typing time.
      window: int(0, 3).default(1),
    })
    .prefault({}),
  // Backup codes per set: 10 (shown once; each usable once).
  backupCodeCount: int(5, 20).default(10),
  // SMS codes: 6 digits, 5 minutes.
  smsCodeTtlSeconds: int(60, HOUR).default(5 * MINUTE),
});

export const webauthnSchema = z.strictObject({
  // The relying party ID: a registrable domain (never an IP). Resolved: the public URL's host.
  rpId: nonEmpty.optional(),
  rpName: nonEmpty.max(100).default('Gatehouse'),
  // Page origins allowed to run ceremonies. Resolved: the public URL's origin.
  origins: z.array(checked(isOrigin, 'an origin like https://app.example.com (no wildcard)')).default([]),
  // 'preferred' asks for user verification; only a UV assertion satisfies MFA on its own.
  // 'required' refuses authenticators that cannot verify the user.
  userVerification: z.enum(['required', 'preferred', 'discouraged']).default('preferred'),
  // Ceremony challenges are single-use and live this long.
  challengeTtlSeconds: int(30, 900).default(300),
});
