/** `tokens` and `passwords`: how access tokens are signed and how passwords are kept. */
import * as z from 'zod';

import { hasScheme } from '../checks.js';
import { checked, DAY, int, MINUTE, nonEmpty } from '../schema-kit.js';

export const tokensSchema = z.strictObject({
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

export const passwordsSchema = z.strictObject({
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
