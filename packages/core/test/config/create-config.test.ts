import { randomBytes } from 'node:crypto';
import { describe, it, expect } from 'vitest';

import { ConfigError, createConfig, presets, type GatehouseConfigInput } from '../../src/config/index.js';

const SECRET = randomBytes(32).toString('base64');
const DAY = 86_400;

/** The problems createConfig reports for `input`, as message lines. */
function problems(input: unknown): string[] {
  try {
    createConfig(input as GatehouseConfigInput);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split('\n').slice(1);
  }
  throw new Error('expected createConfig to throw');
}

describe('createConfig defaults', () => {
  it('equal the documented values', () => {
    expect(createConfig()).toEqual({
      preset: 'default',
      environment: 'development',
      server: {
        host: '127.0.0.1',
        port: 3000,
        publicUrl: 'http://localhost:3000',
        trustedProxies: [],
        corsOrigins: [],
        redirectOrigins: ['http://localhost:3000'],
        bodyLimitBytes: 1_048_576,
        authBodyLimitBytes: 65_536,
        shutdownGraceMs: 10_000,
        logLevel: 'info',
        readinessTimeoutMs: 2_000,
        metricsHost: '127.0.0.1',
        docs: true,
        cookieMode: false,
        cookiePolicy: 'development',
      },
      storage: {
        dataDir: './.gatehouse',
        databasePoolSize: 10,
        databaseConnectTimeoutMs: 5_000,
        redisClusterNodes: [],
        redisCommandTimeoutMs: 1_000,
        redisConnectTimeoutMs: 2_000,
        stateSweepIntervalMs: 60_000,
      },
      tokens: {
        algorithm: 'EdDSA',
        accessTokenTtlSeconds: 900,
        audience: 'gatehouse',
        issuer: 'http://localhost:3000',
        clockLeewaySeconds: 5,
        keyRotationGraceSeconds: 900,
        keyRefreshIntervalSeconds: 15,
      },
      passwords: {
        argon2: { memoryKiB: 19_456, iterations: 2, parallelism: 1 },
        minLength: 8,
        maxLength: 256,
        rejectCommon: true,
        breachCheck: { enabled: false, apiUrl: 'https://api.pwnedpasswords.com', timeoutMs: 2_000 },
      },
      sessions: {
        validationMode: 'strict',
        idleTimeoutSeconds: 30 * DAY,
        absoluteLifetimeSeconds: 90 * DAY,
        refreshConflictWindowSeconds: 10,
        hybridCacheSeconds: 5,
        hybridCacheMaxEntries: 100_000,
        maxPerUser: null,
        maxPerTenant: null,
        deviceBinding: 'off',
      },
      rateLimits: {
        enabled: true,
        login: {
          perIdentifierAndIp: 10,
          perIp: 100,
          windowSeconds: 900,
          lockoutThreshold: 100,
          lockoutSeconds: 900,
        },
        register: { perIp: 20, windowSeconds: 3_600 },
        refresh: { perSession: 60, windowSeconds: 60 },
        verificationRequests: { perIdentifier: 5, perIp: 20, windowSeconds: 3_600 },
        resetRequests: { perIdentifier: 5, perIp: 20, windowSeconds: 3_600 },
        magicLinkRequests: { perIdentifier: 5, perIp: 20, windowSeconds: 3_600 },
        smsCodes: { perUser: 5, windowSeconds: 3_600 },
        oauth: { perIp: 60, windowSeconds: 60 },
        codeSubmissions: { perIp: 30, windowSeconds: 900 },
        passwordChange: { perUser: 10, windowSeconds: 3_600 },
        ipv6Prefix: 64,
      },
      accounts: {
        requireVerifiedEmail: true,
        enumerationProtection: true,
        signupEnabled: true,
        signupAllowedDomains: [],
        verification: {
          strategy: 'token',
          codeDigits: 6,
          codeTtlSeconds: 600,
          linkTtlSeconds: DAY,
          maxAttempts: 5,
        },
        passwordReset: {
          strategy: 'token',
          codeDigits: 6,
          codeTtlSeconds: 600,
          linkTtlSeconds: 3_600,
          maxAttempts: 5,
        },
        magicLinks: { enabled: true, ttlSeconds: 600 },
        emailChange: { codeDigits: 6, codeTtlSeconds: 600, maxAttempts: 5 },
      },
      tenancy: { multiTenant: false, tenants: [], refreshIntervalSeconds: 30 },
      mail: {
        transport: 'outbox',
        smtpRejectUnauthorized: true,
        smtpRequireTls: false,
        from: 'Gatehouse <no-reply@localhost>',
        productName: 'Gatehouse',
        appUrl: 'http://localhost:3000',
      },
      sms: { transport: 'outbox', twilio: { apiUrl: 'https://api.twilio.com' } },
      jobs: {
        maxAttempts: 8,
        backoffBaseMs: 2_000,
        concurrency: 4,
        pollIntervalMs: 500,
        leaseSeconds: 60,
        queueName: 'jobs',
        redisCommandTimeoutMs: 2_000,
      },
      audit: { maxQueuedEvents: 10_000 },
      mfa: {
        policy: 'optional',
        challengeTtlSeconds: 300,
        maxFailures: 5,
        failureWindowSeconds: 900,
        stepUpMaxAgeSeconds: 300,
        totp: { issuer: 'Gatehouse', algorithm: 'SHA1', digits: 6, periodSeconds: 30, window: 1 },
        backupCodeCount: 10,
        smsCodeTtlSeconds: 300,
      },
      webauthn: {
        rpId: 'localhost',
        rpName: 'Gatehouse',
        origins: ['http://localhost:3000'],
        userVerification: 'preferred',
        challengeTtlSeconds: 300,
      },
      oauth: { providers: {}, stateTtlSeconds: 600, exchangeCodeTtlSeconds: 60 },
    });
  });

  it('keeps explicit values and fills the rest of a section', () => {
    const config = createConfig({
      sessions: { maxPerUser: 5 },
      passwords: { argon2: { memoryKiB: 65_536 } },
    });
    expect(config.sessions.maxPerUser).toBe(5);
    expect(config.sessions.validationMode).toBe('strict');
    expect(config.passwords.argon2).toEqual({ memoryKiB: 65_536, iterations: 2, parallelism: 1 });
  });

  it('does not modify its input', () => {
    const input = { server: { port: 4000 } };
    createConfig(input);
    expect(input).toEqual({ server: { port: 4000 } });
  });
});

describe('derived defaults', () => {
  it('stores mail in the outbox outside production and needs a transport chosen in production', () => {
    expect(createConfig({ environment: 'test' }).mail.transport).toBe('outbox');
    expect(problems({ environment: 'production', secret: SECRET })).toEqual([
      "  - config.mail.transport: expected 'smtp' (with mail.smtpUrl) in production, or 'outbox' to accept that mail is only stored, got nothing",
    ]);
    const production = createConfig({ environment: 'production', mail: { transport: 'outbox' } });
    expect(production.sms.transport).toBe('none');
    expect(problems({ mail: { transport: 'smtp' } })[0]).toContain('config.mail.smtpUrl');
    expect(problems({ sms: { transport: 'twilio' } })).toHaveLength(3);
    expect(createConfig({ mail: { appUrl: 'https://app.example.com/' } }).mail.appUrl).toBe(
      'https://app.example.com',
    );
  });

  it('listens on loopback in development and on all interfaces in production', () => {
    expect(createConfig({ environment: 'test' }).server.host).toBe('127.0.0.1');
    const production = { environment: 'production', secret: SECRET, mail: { transport: 'outbox' } } as const;
    expect(createConfig(production).server.host).toBe('0.0.0.0');
    expect(createConfig({ ...production, server: { host: '10.0.0.1' } }).server.host).toBe('10.0.0.1');
  });

  it('keeps /docs off in production unless enabled, and metrics on a port of their own', () => {
    const production = { environment: 'production', secret: SECRET, mail: { transport: 'outbox' } } as const;
    expect(createConfig({ environment: 'test' }).server.docs).toBe(true);
    expect(createConfig(production).server.docs).toBe(false);
    expect(createConfig({ ...production, server: { docs: true } }).server.docs).toBe(true);
    expect(problems({ server: { port: 8080, metricsPort: 8080 } })).toEqual([
      '  - config.server.metricsPort: expected a port other than server.port (8080): it is a second listener, got 8080',
    ]);
    expect(problems({ server: { metricsToken: 'too-short-a-token' } })[0]).toMatch(
      /config\.server\.metricsToken: .*got \[redacted\]/,
    );
  });

  it('derives the public URL from the port and the issuer from the public URL', () => {
    const byPort = createConfig({ server: { port: 8080 } });
    expect(byPort.server.publicUrl).toBe('http://localhost:8080');
    expect(byPort.tokens.issuer).toBe('http://localhost:8080');
    const explicit = createConfig({ server: { publicUrl: 'https://auth.example.com/' } });
    expect(explicit.server.publicUrl).toBe('https://auth.example.com');
    expect(explicit.tokens.issuer).toBe('https://auth.example.com');
    expect(createConfig({ tokens: { issuer: 'urn:gatehouse' } }).tokens.issuer).toBe('urn:gatehouse');
  });

  it('derives the key rotation grace from the access token TTL', () => {
    expect(createConfig({ tokens: { accessTokenTtlSeconds: 120 } }).tokens.keyRotationGraceSeconds).toBe(120);
    expect(createConfig({ tokens: { keyRotationGraceSeconds: 3_600 } }).tokens.keyRotationGraceSeconds).toBe(
      3_600,
    );
  });
});

describe('presets', () => {
  it('highSecurity applies its overrides', () => {
    const config = createConfig({ preset: 'highSecurity' });
    expect(config.preset).toBe('highSecurity');
    expect(config.passwords.argon2).toEqual({ memoryKiB: 47_104, iterations: 2, parallelism: 1 });
    expect(config.passwords.minLength).toBe(15);
    expect(config.passwords.breachCheck.enabled).toBe(false);
    expect(config.sessions.idleTimeoutSeconds).toBe(1_800);
    expect(config.sessions.absoluteLifetimeSeconds).toBe(43_200);
    expect(config.rateLimits.login.lockoutThreshold).toBe(10);
    expect(config.rateLimits.login.perIp).toBe(100);
    expect(config.tokens.accessTokenTtlSeconds).toBe(300);
    expect(config.tokens.keyRotationGraceSeconds).toBe(300);
  });

  it('highThroughput uses hybrid validation', () => {
    const config = createConfig({ preset: 'highThroughput' });
    expect(config.sessions.validationMode).toBe('hybrid');
    expect(config.sessions.hybridCacheSeconds).toBeLessThanOrEqual(5);
  });

  it('explicit settings override the preset, key by key', () => {
    const config = createConfig({ preset: 'highSecurity', passwords: { argon2: { memoryKiB: 65_536 } } });
    expect(config.passwords.argon2).toEqual({ memoryKiB: 65_536, iterations: 2, parallelism: 1 });
    expect(config.passwords.minLength).toBe(15);
    expect(
      createConfig({ preset: 'highThroughput', sessions: { validationMode: 'strict' } }).sessions
        .validationMode,
    ).toBe('strict');
  });

  it('every preset is valid on its own and does not choose a preset itself', () => {
    for (const [name, overrides] of Object.entries(presets)) {
      expect(() => createConfig({ ...overrides, preset: name as 'default' })).not.toThrow();
      expect(overrides).not.toHaveProperty('preset');
    }
  });

  it('rejects an unknown preset', () => {
    expect(problems({ preset: 'paranoid' })).toEqual([
      '  - config.preset: expected one of "default", "highSecurity", "highThroughput", got "paranoid"',
    ]);
  });
});
