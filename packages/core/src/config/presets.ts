/**
 * Presets: deep-partial overrides laid over the schema defaults and under
 * whatever the caller sets (defaults < preset < explicit settings). Only the
 * keys a preset changes appear here; everything else keeps its schema default.
 */
import type { GatehouseConfigInput, PresetName } from './schema.js';

export type PresetOverrides = Omit<GatehouseConfigInput, 'preset'>;

export const presets: Readonly<Record<PresetName, PresetOverrides>> = {
  // The schema defaults as documented in API.md.
  default: {},

  // For deployments that must meet NIST 800-63B AAL2-style expectations.
  highSecurity: {
    passwords: {
      // Argon2id at 46 MiB, t=2: OWASP's strongest-memory row (47104 KiB, t=1)
      // with a second pass, i.e. about 2.4× the default's memory-time cost. It
      // stays deployable: with libuv's 4 threads at most ~184 MiB is in use for
      // hashing at once. We keep p=1 (the Rust implementation computes lanes
      // sequentially, so more lanes would add time without adding hardness).
      argon2: { memoryKiB: 47_104, iterations: 2, parallelism: 1 },
      // NIST 800-63B-4: 15 characters when a password may be the only factor.
      minLength: 15,
      // The HIBP check stays off: it needs outbound network access, which an
      // operator must choose explicitly.
    },
    // NIST AAL2 reauthentication: 30 min idle, 12 h absolute (API.md).
    sessions: { idleTimeoutSeconds: 1_800, absoluteLifetimeSeconds: 43_200 },
    // Lock an identifier after 10 consecutive failures instead of 100 (API.md).
    rateLimits: { login: { lockoutThreshold: 10 } },
    // 5-minute access tokens: a stolen token (or a `jwt`-mode gateway) is good for less time.
    tokens: { accessTokenTtlSeconds: 300 },
  },

  // For large fleets where state-store round trips and hashing memory dominate.
  highThroughput: {
    // 'hybrid' answers most token checks from a revocation cache kept at most
    // 5 s (hybridCacheSeconds), instead of one state-store call per request.
    sessions: { validationMode: 'hybrid' },
    // OWASP's equivalent row m=9216 KiB, t=4: the same protection as the
    // default 19456/t=2 for about the same CPU, with half the memory per hash,
    // so twice as many logins fit in the same RAM.
    passwords: { argon2: { memoryKiB: 9_216, iterations: 4, parallelism: 1 } },
  },
};

export function isPresetName(value: unknown): value is PresetName {
  return typeof value === 'string' && Object.hasOwn(presets, value);
}
