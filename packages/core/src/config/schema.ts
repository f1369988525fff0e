/**
 * The one Gatehouse configuration schema. Every setting and every default lives
 * here, with what it is and why the default; nowhere else may repeat a default
 * with `??` or `||`. Objects are strict: an unknown key is an error, so a typo
 * never silently falls back to a default.
 *
 * Defaults that depend on other settings (listen host, public URL, issuer,
 * key-rotation grace) are left unset here and resolved in one place,
 * `resolveDerivedDefaults` (derive.ts), which this schema ends with.
 */
import * as z from 'zod';

import {
  hasScheme,
  isBase64Secret,
  isDomain,
  isHostPort,
  isHttpBaseUrl,
  isIpOrCidr,
  isOrigin,
  isOriginOrWildcard,
  weakSecretReason,
} from './checks.js';
import { resolveDerivedDefaults } from './derive.js';

export const PRESET_NAMES = ['default', 'highSecurity', 'highThroughput'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** An integer in [min, max]; error messages are derived from these bounds. */
const int = (min: number, max: number = Number.MAX_SAFE_INTEGER) => z.int().min(min).max(max);
/** A string passing `test`; `expected` is what error messages say the key takes. */
const checked = (test: (value: string) => boolean, expected: string) =>
  z
    .string()
    .refine(test, { error: `expected ${expected}` })
    .meta({ expected });
const nonEmpty = z.string().min(1);

const serverSchema = z.strictObject({
  // Listen address. Resolved: 127.0.0.1 in development/test (never exposed by
  // accident), 0.0.0.0 in production (containers must be reachable).
  host: nonEmpty.optional(),
  // Listen port; 3000 is the conventional Node development port.
  port: int(1, 65535).default(3000),
  // Public base URL (links, callbacks, token `iss`, WebAuthn origin). Resolved:
  // http://localhost:<port>, which only suits development; lint wants https in production.
  publicUrl: checked(isHttpBaseUrl, 'an http(s) URL without credentials, query or fragment').optional(),
  // Peers whose x-forwarded-for is believed. None by default: trusting a
  // header you did not set lets any client pick its own IP and dodge rate limits.
  trustedProxies: z
    .array(checked(isIpOrCidr, 'an IP address, a CIDR block, or loopback/linklocal/uniquelocal'))
    .default([]),
  // Exact origins allowed by CORS. Empty = CORS off (same-origin only), the
  // safe default; '*' is accepted but linted.
  corsOrigins: z
    .array(checked(isOriginOrWildcard, "an origin like https://app.example.com (no path), or '*'"))
    .default([]),
  // Origins `redirectTo` may point at (magic links, OAuth): exact scheme, host and port.
  // Resolved: the public URL's origin. Anything else is refused (no open redirects).
  redirectOrigins: z
    .array(checked(isOrigin, 'an origin like https://app.example.com (no path, no wildcard)'))
    .default([]),
  // Largest accepted request body outside auth routes: 1 MiB (API.md).
  bodyLimitBytes: int(1).default(1_048_576),
  // Largest body for /auth/* and /users/*: 64 KiB (API.md), rejected before
  // any parsing or hashing so huge passwords cannot burn CPU.
  authBodyLimitBytes: int(1).default(65_536),
  // How long shutdown waits for in-flight requests; 10 s fits under the 30 s
  // grace period Kubernetes and most orchestrators give before SIGKILL.
  shutdownGraceMs: int(0).default(10_000),
  // Log verbosity (pino levels). 'info' logs requests without bodies.
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // How long /health/ready waits for each backend before reporting it down;
  // 2 s is below typical load-balancer probe timeouts.
  readinessTimeoutMs: int(1).default(2_000),
  // A second listener for the operators' endpoints (/metrics, /docs). Unset = they are
  // served on the API port. Set, the API port no longer answers them.
  metricsPort: int(1, 65535).optional(),
  // Where that listener binds: loopback, so only the host (a local agent or sidecar) can
  // scrape it; set an internal address to scrape from elsewhere.
  metricsHost: nonEmpty.default('127.0.0.1'),
  // A bearer token /metrics and /docs require (`Authorization: Bearer <token>`), on
  // whichever listener serves them. At least 32 characters, e.g. `openssl rand -hex 32`.
  metricsToken: z.string().min(32).optional(),
  // The OpenAPI UI and document (/docs, /docs/json). Resolved: on, except in production,
  // where they stay off unless enabled (API.md).
  docs: z.boolean().optional(),
});

const storageSchema = z.strictObject({
  // Embedded data (PGlite database, generated development secret).
  dataDir: nonEmpty.default('./.gatehouse'),
  // PostgreSQL; unset = embedded PGlite in dataDir (no setup on a laptop).
  databaseUrl: checked(hasScheme('postgres', 'postgresql'), 'a postgres:// or postgresql:// URL').optional(),
  // Redis for hot state and jobs; unset = state in the database (SQL store).
  redisUrl: checked(hasScheme('redis', 'rediss'), 'a redis:// or rediss:// URL').optional(),
  // Redis Cluster seed nodes (host:port); use instead of redisUrl, not with it.
  redisClusterNodes: z.array(checked(isHostPort, 'host:port (or [ipv6]:port)')).default([]),
  // How often expired state is swept from SQL stores (Redis expires keys
  // itself); a minute keeps tables small without measurable load.
  stateSweepIntervalMs: int(1_000).default(60_000),
});

const tokensSchema = z.strictObject({
  // Access-token signature algorithm. EdDSA (Ed25519): small, fast, no
  // nonce pitfalls. HS256 needs the verifier to hold the signing secret, so it
  // is an explicit insecure choice that lint always warns about.
  algorithm: z.enum(['EdDSA', 'ES256', 'RS256', 'HS256']).default('EdDSA'),
  // Access-token lifetime: 15 min (API.md) bounds how long a stolen token or a
  // `jwt`-mode check of a revoked session can be used.
  accessTokenTtlSeconds: int(1, DAY).default(15 * MINUTE),
  // `aud` claim of access tokens.
  audience: nonEmpty.default('gatehouse'),
  // `iss` claim. Resolved: the public URL, as OIDC-style verifiers expect.
  issuer: nonEmpty.optional(),
  // Clock skew tolerated on exp/iat/nbf: 5 s covers NTP-synced hosts; capped
  // at 2 min so expiry stays meaningful.
  clockLeewaySeconds: int(0, 120).default(5),
  // How long a retired signing key stays in the JWKS. Resolved: the access
  // token TTL, so every token it signed can still be verified until it expires.
  keyRotationGraceSeconds: int(0).optional(),
  // How often each instance reloads signing keys; API.md promises every
  // instance sees a rotation within 30 s, hence the cap.
  keyRefreshIntervalSeconds: int(1, 30).default(15),
});

const passwordsSchema = z.strictObject({
  // Argon2id cost. 19 MiB, t=2, p=1 is OWASP's recommended baseline
  // (Password Storage Cheat Sheet); see lint.ts for the equivalence table.
  argon2: z
    .strictObject({
      memoryKiB: int(8, 4_194_304).default(19_456),
      iterations: int(1, 64).default(2),
      parallelism: int(1, 64).default(1),
    })
    .prefault({}),
  // Minimum length in code points: 8 is NIST 800-63B's floor for passwords
  // used with a second factor (15 when the password is the only factor).
  minLength: int(1, 1024).default(8),
  // Maximum length: 256 (API.md) is generous for passphrases yet bounds work.
  maxLength: int(1, 4096).default(256),
  // Reject passwords from the offline common-password list (NIST requires it).
  rejectCommon: z.boolean().default(true),
  // Have I Been Pwned range (k-anonymity) check. Off by default: it needs
  // outbound network access, which self-hosted installs must opt into.
  breachCheck: z
    .strictObject({
      enabled: z.boolean().default(false),
      apiUrl: checked(hasScheme('https', 'http'), 'an http(s) URL').default('https://api.pwnedpasswords.com'),
      // Give up (and accept the password) after 2 s rather than block sign-ups on a slow API.
      timeoutMs: int(1, 30_000).default(2_000),
    })
    .prefault({}),
});

const sessionsSchema = z.strictObject({
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
  // Most concurrent sessions per user / per tenant; null = unlimited.
  maxPerUser: int(1).nullable().default(null),
  maxPerTenant: int(1).nullable().default(null),
  // Bind refresh tokens to the device fingerprint: 'detect' records and
  // audits a mismatch, 'enforce' rejects it. Off: IPs change on mobile networks.
  deviceBinding: z.enum(['off', 'detect', 'enforce']).default('off'),
});

const rateLimitsSchema = z.strictObject({
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

const accountsSchema = z.strictObject({
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

const mailSchema = z.strictObject({
  // 'outbox' stores messages for GET /api/v1/dev/outbox (development); 'smtp' sends them.
  // Resolved: 'outbox' outside production. In production it must be chosen explicitly
  // (an outbox there would silently swallow every verification and reset email).
  transport: z.enum(['outbox', 'smtp']).optional(),
  // smtp://user:pass@host:587 (STARTTLS when offered) or smtps://...:465 (implicit TLS).
  smtpUrl: checked(hasScheme('smtp', 'smtps'), 'an smtp:// or smtps:// URL').optional(),
  // Verify the SMTP server's certificate (turn off only for a private relay with a
  // self-signed certificate; lint warns).
  smtpRejectUnauthorized: z.boolean().default(true),
  // Refuse to send over a connection that did not upgrade to TLS (smtp:// only).
  smtpRequireTls: z.boolean().default(false),
  // The From header.
  from: nonEmpty.default('Gatehouse <no-reply@localhost>'),
  // Product name used in subjects and bodies.
  productName: nonEmpty.max(100).default('Gatehouse'),
  // Base URL of the pages that links open (verify email, reset password). Resolved:
  // the public URL.
  appUrl: checked(isHttpBaseUrl, 'an http(s) URL without credentials, query or fragment').optional(),
});

const smsSchema = z.strictObject({
  // 'outbox' (development), 'twilio', or 'none' (no SMS: SMS codes are not offered).
  // Resolved: 'outbox' outside production, 'none' in production.
  transport: z.enum(['outbox', 'twilio', 'none']).optional(),
  twilio: z
    .strictObject({
      accountSid: nonEmpty.optional(),
      authToken: nonEmpty.optional(),
      // Sender number (E.164) or messaging service id.
      from: nonEmpty.optional(),
      // The REST API base; tests point it at a local fake.
      apiUrl: checked(hasScheme('https', 'http'), 'an http(s) URL').default('https://api.twilio.com'),
    })
    .prefault({}),
});

const mfaSchema = z.strictObject({
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

const webauthnSchema = z.strictObject({
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

const oauthProviderSchema = z.strictObject({
  // 'google', 'github', 'microsoft' or 'oidc' (any OpenID Connect issuer by discovery).
  kind: z.enum(['google', 'github', 'microsoft', 'oidc']),
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  // OIDC issuer: required for 'oidc' (discovery at <issuer>/.well-known/openid-configuration;
  // the ID token's iss must equal it exactly). Microsoft: defaults to the multi-tenant
  // endpoint, whose emails are never treated as verified.
  issuer: checked(hasScheme('https', 'http'), 'an http(s) issuer URL').optional(),
  scopes: z.array(nonEmpty).default([]),
});

const oauthSchema = z.strictObject({
  // Providers by id. Env: GATEHOUSE_OAUTH_<ID>_CLIENT_ID / _CLIENT_SECRET for google, github,
  // microsoft; GATEHOUSE_OIDC_PROVIDERS=<id>[,<id>] with GATEHOUSE_OIDC_<ID>_ISSUER, _CLIENT_ID,
  // _CLIENT_SECRET for generic OIDC issuers.
  providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/), oauthProviderSchema).default({}),
  // A login attempt (state, nonce, PKCE verifier) lives 10 minutes.
  stateTtlSeconds: int(60, HOUR).default(10 * MINUTE),
  // The one-time code the callback hands to redirectTo: single use, 60 s (API.md).
  exchangeCodeTtlSeconds: int(10, 600).default(60),
});

const jobsSchema = z.strictObject({
  // Attempts per job before it is kept as failed: 8 attempts with exponential backoff
  // from 2 s span about 4 minutes, enough to ride out a mail server restart.
  maxAttempts: int(1, 50).default(8),
  backoffBaseMs: int(10, 3_600_000).default(2_000),
  // Jobs processed at once per instance.
  concurrency: int(1, 64).default(4),
  // SQL queue: how often an idle worker looks for due jobs, and how long a claimed job
  // is leased before another worker may take it over (a crashed worker's jobs resume).
  pollIntervalMs: int(10, 60_000).default(500),
  leaseSeconds: int(5, 3_600).default(60),
  // BullMQ queue name (Redis only): deployments sharing one Redis must use different names,
  // or one would run (and drop) the other's jobs.
  queueName: checked((value) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(value), 'a slug like gatehouse-eu').default(
    'jobs',
  ),
});

const tenancySchema = z.strictObject({
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
});

const baseSchema = z.strictObject({
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
  mfa: mfaSchema.prefault({}),
  webauthn: webauthnSchema.prefault({}),
  oauth: oauthSchema.prefault({}),
  // First (system) admin, created once at start if absent.
  bootstrapAdmin: z.strictObject({ email: z.email(), password: nonEmpty }).optional(),
});

/** The configuration as validated, before derived defaults are resolved. */
export type ConfigBeforeDerivation = z.output<typeof baseSchema>;

export const gatehouseConfigSchema = baseSchema.transform(resolveDerivedDefaults);

/** A complete, validated configuration (what `createConfig` returns). */
export type GatehouseConfig = z.output<typeof gatehouseConfigSchema>;
/** What callers may pass: every key with a default is optional, at any depth. */
export type GatehouseConfigInput = z.input<typeof gatehouseConfigSchema>;
