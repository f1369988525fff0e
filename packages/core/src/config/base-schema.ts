/**
 * The configuration's shape: the top-level keys and one section per area (sections/).
 * It stops before the defaults that depend on other settings: those are resolved by
 * derive.ts, and schema.ts puts the two together. Keeping this file free of derive.ts is
 * what lets derive.ts name the type it works on without an import cycle.
 */
import * as z from 'zod';

import { isBase64Secret, weakSecretReason } from './checks.js';
import { checked, nonEmpty } from './schema-kit.js';
import { accountsSchema, tenancySchema } from './sections/accounts.js';
import { auditSchema } from './sections/audit.js';
import { passwordsSchema, tokensSchema } from './sections/credentials.js';
import { jobsSchema, mailSchema, smsSchema } from './sections/delivery.js';
import { mfaSchema, webauthnSchema } from './sections/factors.js';
import { oauthSchema } from './sections/oauth.js';
import { rateLimitsSchema } from './sections/rate-limits.js';
import { serverSchema } from './sections/server.js';
import { sessionsSchema } from './sections/sessions.js';
import { storageSchema } from './sections/storage.js';

export const PRESET_NAMES = ['default', 'highSecurity', 'highThroughput'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const baseSchema = z.strictObject({
  // Preset applied under the explicit settings (presets.ts).
  preset: z.enum(PRESET_NAMES).default('default'),
  // Deployment environment: drives the listen host and production checks.
  environment: z.enum(['development', 'production', 'test']).default('development'),
  // Master secret encrypting signing keys and TOTP secrets. Required in
  // production and with databaseUrl (instances must share it); embedded
  // development generates one into dataDir.
  // Refused when plainly not random (weakSecretReason): production would otherwise run
  // with keys sealed under `aaaa…`.
  secret: checked(isBase64Secret, 'base64 of at least 32 random bytes (e.g. `openssl rand -base64 32`)')
    .refine((value) => weakSecretReason(value) === undefined, {
      error: (issue) =>
        `expected random bytes, but ${weakSecretReason(String(issue.input))}: generate one with \`openssl rand -base64 32\``,
    })
    .optional(),
  server: serverSchema.prefault({}),
  storage: storageSchema.prefault({}),
  tokens: tokensSchema.prefault({}),
  passwords: passwordsSchema.prefault({}),
  sessions: sessionsSchema.prefault({}),
  rateLimits: rateLimitsSchema.prefault({}),
  accounts: accountsSchema.prefault({}),
  tenancy: tenancySchema.prefault({}),
  mail: mailSchema.prefault({}),
  sms: smsSchema.prefault({}),
  jobs: jobsSchema.prefault({}),
  audit: auditSchema.prefault({}),
  mfa: mfaSchema.prefault({}),
  webauthn: webauthnSchema.prefault({}),
  oauth: oauthSchema.prefault({}),
  // First (system) admin, created once at start if absent.
  bootstrapAdmin: z.strictObject({ email: z.email(), password: nonEmpty }).optional(),
});

/** The configuration as validated, before derived defaults are resolved. */
export type ConfigBeforeDerivation = z.output<typeof baseSchema>;
