/**
 * lint(): weak or surprising settings that are valid but deserve a warning at
 * startup. A default configuration in development produces no warnings.
 */
import type { GatehouseConfig } from './schema.js';

export interface ConfigWarning {
  /** Dotted path of the setting concerned. */
  key: string;
  message: string;
  /** 'critical' for settings that are unsafe in the current environment. */
  severity: 'warning' | 'critical';
}

const DAY = 86_400;

/**
 * OWASP Password Storage Cheat Sheet, Argon2id with p=1: configurations of
 * equal strength trade memory for passes — m=47104/t=1, 19456/t=2,
 * 12288/t=3, 9216/t=4, 7168/t=5. Returns the least memory (KiB) that is
 * acceptable for `iterations` passes.
 */
export function owaspArgon2MinimumMemoryKiB(iterations: number): number {
  const table = [47_104, 19_456, 12_288, 9_216, 7_168];
  const index = Math.min(Math.max(Math.floor(iterations), 1), table.length) - 1;
  return table[index] ?? 7_168;
}

type Check = (config: GatehouseConfig) => ConfigWarning | ConfigWarning[] | undefined;

const warn = (key: string, message: string): ConfigWarning => ({ key, message, severity: 'warning' });

const checks: Check[] = [
  ({ passwords: { argon2 } }) => {
    const minimum = owaspArgon2MinimumMemoryKiB(argon2.iterations);
    if (argon2.memoryKiB >= minimum) return undefined;
    return warn(
      'passwords.argon2',
      `Argon2id memoryKiB=${argon2.memoryKiB} with iterations=${argon2.iterations} is below OWASP's minimum ` +
        `(${minimum} KiB for t=${Math.min(argon2.iterations, 5)}; equivalents: 47104/t=1, 19456/t=2, ` +
        '12288/t=3, 9216/t=4, 7168/t=5): stolen hashes would be cheaper to crack',
    );
  },
  ({ tokens, environment }) => {
    if (tokens.algorithm !== 'HS256') return undefined;
    const why =
      'HS256 shares one secret between signer and verifiers, so anything that can verify a token can forge one; ' +
      'use EdDSA or ES256';
    if (environment !== 'production') return warn('tokens.algorithm', `tokens.algorithm is HS256: ${why}`);
    return {
      key: 'tokens.algorithm',
      message: `INSECURE in production: tokens.algorithm is HS256. ${why}`,
      severity: 'critical',
    };
  },
  ({ rateLimits }) =>
    rateLimits.enabled
      ? undefined
      : warn('rateLimits.enabled', 'rate limits are off: passwords and codes can be guessed without limit'),
  ({ server, environment }) =>
    server.corsOrigins.includes('*')
      ? {
          key: 'server.corsOrigins',
          message:
            "server.corsOrigins contains '*': any web site may call the API from its visitors' browsers",
          severity: environment === 'production' ? 'critical' : 'warning',
        }
      : undefined,
  ({ sessions }) =>
    sessions.validationMode === 'jwt'
      ? warn(
          'sessions.validationMode',
          "sessions.validationMode is 'jwt': logout and revocation do not stop an access token until it expires",
        )
      : undefined,
  ({ server, environment }) =>
    environment === 'production' && !server.publicUrl.startsWith('https://')
      ? {
          key: 'server.publicUrl',
          message: `server.publicUrl (${server.publicUrl}) is not https in production: tokens and links travel in clear`,
          severity: 'critical',
        }
      : undefined,
  ({ tokens }) =>
    tokens.accessTokenTtlSeconds > 3_600
      ? warn(
          'tokens.accessTokenTtlSeconds',
          `access tokens live ${tokens.accessTokenTtlSeconds} s (over an hour): a leaked token stays usable that long`,
        )
      : undefined,
  ({ tokens }) =>
    tokens.keyRotationGraceSeconds < tokens.accessTokenTtlSeconds
      ? warn(
          'tokens.keyRotationGraceSeconds',
          'keyRotationGraceSeconds is shorter than accessTokenTtlSeconds: tokens signed by a retired key ' +
            'will be rejected before they expire',
        )
      : undefined,
  ({ passwords, preset }) => {
    const floor = preset === 'highSecurity' ? 15 : 8;
    if (passwords.minLength >= floor) return undefined;
    const context =
      preset === 'highSecurity' ? ' under the highSecurity preset (NIST: 15 for single-factor)' : '';
    return warn(
      'passwords.minLength',
      `passwords.minLength is ${passwords.minLength}, below ${floor}${context}`,
    );
  },
  ({ passwords }) =>
    passwords.maxLength < 64
      ? warn(
          'passwords.maxLength',
          `passwords.maxLength is ${passwords.maxLength}: NIST asks to allow at least 64`,
        )
      : undefined,
  ({ passwords: { breachCheck } }) =>
    breachCheck.enabled && !breachCheck.apiUrl.startsWith('https://')
      ? warn(
          'passwords.breachCheck.apiUrl',
          'the breach-check API is not https: password hash prefixes travel in clear',
        )
      : undefined,
  ({ accounts }) =>
    accounts.requireVerifiedEmail
      ? undefined
      : warn(
          'accounts.requireVerifiedEmail',
          'accounts.requireVerifiedEmail is false: anyone can sign up and sign in with an address they do not own',
        ),
  ({ accounts }) =>
    accounts.enumerationProtection
      ? undefined
      : warn(
          'accounts.enumerationProtection',
          'accounts.enumerationProtection is false: register and reset answers reveal which emails have accounts',
        ),
  ({ sessions }) => {
    const warnings: ConfigWarning[] = [];
    for (const key of ['absoluteLifetimeSeconds', 'idleTimeoutSeconds'] as const) {
      if (sessions[key] > 90 * DAY) {
        warnings.push(
          warn(`sessions.${key}`, `sessions.${key} is over 90 days: stolen sessions stay useful for long`),
        );
      }
    }
    if (sessions.idleTimeoutSeconds > sessions.absoluteLifetimeSeconds) {
      warnings.push(
        warn(
          'sessions.idleTimeoutSeconds',
          'sessions.idleTimeoutSeconds exceeds absoluteLifetimeSeconds and never applies',
        ),
      );
    }
    return warnings;
  },
  ({ server }) =>
    server.trustedProxies.some((entry) => /^(?:0\.0\.0\.0|::)\/0$/.test(entry))
      ? warn(
          'server.trustedProxies',
          'server.trustedProxies trusts every address: any client can forge x-forwarded-for and evade IP rate limits',
        )
      : undefined,
  ({ server, environment }) =>
    environment === 'production' && server.metricsPort === undefined && server.metricsToken === undefined
      ? warn(
          'server.metricsPort',
          'GET /metrics is public on the API port: set server.metricsPort (GATEHOUSE_METRICS_PORT, a loopback ' +
            'listener) or server.metricsToken (GATEHOUSE_METRICS_TOKEN) so only your scraper reads it',
        )
      : undefined,
  ({ tenancy }) =>
    !tenancy.multiTenant && tenancy.tenants.length > 0
      ? warn(
          'tenancy.tenants',
          'tenancy.tenants is set but tenancy.multiTenant is false: the tenants are ignored',
        )
      : undefined,
];

/** Warnings for weak or surprising settings, in a stable order. */
export function lint(config: GatehouseConfig): ConfigWarning[] {
  return checks.flatMap((check) => check(config) ?? []);
}
