import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ConfigError, createConfig, listConfigPaths } from '@gatehouse/core';

import { configFromEnv, envVarForPath, isReservedEnvVar, RESERVED_ENV_VARS } from '../../src/config/env.js';

const SECRET = Buffer.alloc(32, 9).toString('base64');

function envError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    configFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected configFromEnv to throw');
}

/** createConfig on what `env` says, as the server does it. */
function configOf(env: NodeJS.ProcessEnv) {
  const { input, sources } = configFromEnv(env);
  return createConfig(input, { sources });
}

describe('configFromEnv: named variables', () => {
  it('maps every name API.md fixes', () => {
    const { input, sources } = configFromEnv({
      PORT: '8080',
      HOST: '0.0.0.0',
      NODE_ENV: 'production',
      GATEHOUSE_DATA_DIR: '/var/lib/gatehouse',
      DATABASE_URL: 'postgres://gate:pw@db:5432/gatehouse',
      REDIS_URL: 'redis://cache:6379',
      REDIS_CLUSTER_NODES: 'redis-1:6379, redis-2:6379',
      GATEHOUSE_SECRET: SECRET,
      GATEHOUSE_PUBLIC_URL: 'https://auth.example.com',
      GATEHOUSE_TRUSTED_PROXIES: '10.0.0.0/8,192.168.1.1',
      GATEHOUSE_MULTI_TENANT: 'true',
      GATEHOUSE_TENANTS: 'acme,globex',
      GATEHOUSE_BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com',
      GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery ',
      GATEHOUSE_PRESET: 'highSecurity',
      GATEHOUSE_CORS_ORIGINS: 'https://app.example.com,https://admin.example.com',
      GATEHOUSE_LOG_LEVEL: 'debug',
    });
    expect(input).toEqual({
      preset: 'highSecurity',
      environment: 'production',
      secret: SECRET,
      server: {
        port: 8080,
        host: '0.0.0.0',
        publicUrl: 'https://auth.example.com',
        trustedProxies: ['10.0.0.0/8', '192.168.1.1'],
        corsOrigins: ['https://app.example.com', 'https://admin.example.com'],
        logLevel: 'debug',
      },
      storage: {
        dataDir: '/var/lib/gatehouse',
        databaseUrl: 'postgres://gate:pw@db:5432/gatehouse',
        redisUrl: 'redis://cache:6379',
        redisClusterNodes: ['redis-1:6379', 'redis-2:6379'],
      },
      tenancy: { multiTenant: true, tenants: ['acme', 'globex'] },
      bootstrapAdmin: { email: 'admin@example.com', password: 'correct horse battery ' },
    });
    expect(sources.get('server.port')).toBe('PORT');
    expect(sources.get('storage.databaseUrl')).toBe('DATABASE_URL');
    expect(sources.get('bootstrapAdmin.password')).toBe('GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD');
  });

  it('maps NODE_ENV to production, test, or else development', () => {
    expect(configFromEnv({ NODE_ENV: 'production' }).input.environment).toBe('production');
    expect(configFromEnv({ NODE_ENV: 'test' }).input.environment).toBe('test');
    expect(configFromEnv({ NODE_ENV: 'staging' }).input.environment).toBe('development');
    expect(configFromEnv({}).input.environment).toBeUndefined();
  });

  it('reads GATEHOUSE_MULTI_TENANT strictly', () => {
    expect(configFromEnv({ GATEHOUSE_MULTI_TENANT: '1' }).input.tenancy?.multiTenant).toBe(true);
    expect(configFromEnv({ GATEHOUSE_MULTI_TENANT: '0' }).input.tenancy?.multiTenant).toBe(false);
    expect(configFromEnv({ GATEHOUSE_MULTI_TENANT: 'false' }).input.tenancy?.multiTenant).toBe(false);
    expect(() => configOf({ GATEHOUSE_MULTI_TENANT: 'yes' })).toThrow(
      'GATEHOUSE_MULTI_TENANT (config.tenancy.multiTenant): expected true or false, got "yes"',
    );
  });

  it('treats empty values as unset', () => {
    expect(configFromEnv({ PORT: '', GATEHOUSE_TENANTS: ' ' }).input).toEqual({});
  });

  it('derives the public URL and issuer from PORT, and the host from NODE_ENV', () => {
    const config = configOf({
      PORT: '4100',
      NODE_ENV: 'production',
      GATEHOUSE_SECRET: SECRET,
      GATEHOUSE_MAIL_TRANSPORT: 'outbox',
    });
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.server.publicUrl).toBe('http://localhost:4100');
    expect(config.tokens.issuer).toBe('http://localhost:4100');
  });

  it('round-trips any valid port string', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65_535 }), (port) => {
        expect(configOf({ PORT: String(port) }).server.port).toBe(port);
      }),
    );
  });

  it('names the variable when a value is invalid, without echoing secrets', () => {
    const fake = 'FAKE-not-base64-secret!!';
    let message = '';
    try {
      configOf({ PORT: 'eighty', GATEHOUSE_SECRET: fake, DATABASE_URL: 'mysql://root:s3cr3t-pw@db/x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('PORT (config.server.port): expected an integer from 1 to 65535, got "eighty"');
    expect(message).toContain(
      'GATEHOUSE_SECRET (config.secret): expected base64 of at least 32 random bytes',
    );
    expect(message).toContain(
      'DATABASE_URL (config.storage.databaseUrl): expected a postgres:// or postgresql:// URL',
    );
    expect(message).not.toContain(fake);
    expect(message).not.toContain('s3cr3t-pw');
  });

  it('maps the mail and SMS names API.md fixes, and never echoes their secrets', () => {
    const config = configOf({
      GATEHOUSE_MAIL_TRANSPORT: 'smtp',
      SMTP_URL: 'smtps://mailer:m41l-pw@smtp.example.com:465',
      GATEHOUSE_MAIL_FROM: 'Auth <auth@example.com>',
      GATEHOUSE_SMS_TRANSPORT: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_AUTH_TOKEN: 'tw-token',
      TWILIO_FROM: '+15550100',
      TWILIO_API_URL: 'http://127.0.0.1:9999',
    });
    expect(config.mail).toMatchObject({
      transport: 'smtp',
      smtpUrl: 'smtps://mailer:m41l-pw@smtp.example.com:465',
      from: 'Auth <auth@example.com>',
    });
    expect(config.sms).toEqual({
      transport: 'twilio',
      twilio: {
        accountSid: 'AC1',
        authToken: 'tw-token',
        from: '+15550100',
        apiUrl: 'http://127.0.0.1:9999',
      },
    });
    let message = '';
    try {
      configOf({
        GATEHOUSE_MAIL_TRANSPORT: 'smtp',
        SMTP_URL: 'http://mailer:m41l-pw@x',
        TWILIO_AUTH_TOKEN: '',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('SMTP_URL (config.mail.smtpUrl): expected an smtp:// or smtps:// URL');
    expect(message).not.toContain('m41l-pw');
  });
});

describe('configFromEnv: generic GATEHOUSE_<SECTION>__<KEY> form', () => {
  it('nests on __ and maps SCREAMING_SNAKE onto camelCase keys', () => {
    const { input, sources } = configFromEnv({
      GATEHOUSE_SESSIONS__MAX_PER_USER: '5',
      GATEHOUSE_SESSIONS__MAX_PER_TENANT: 'null',
      GATEHOUSE_SESSIONS__VALIDATION_MODE: 'hybrid',
      GATEHOUSE_PASSWORDS__ARGON2__MEMORY_KIB: '65536',
      GATEHOUSE_PASSWORDS__BREACH_CHECK__ENABLED: 'true',
      GATEHOUSE_RATE_LIMITS__LOGIN__LOCKOUT_THRESHOLD: '25',
      GATEHOUSE_ACCOUNTS__SIGNUP_ALLOWED_DOMAINS: '["example.com","example.org"]',
      GATEHOUSE_SERVER__CORS_ORIGINS: 'https://a.example.com, https://b.example.com',
      GATEHOUSE_TOKENS__AUDIENCE: '12345',
    });
    expect(input).toEqual({
      sessions: { maxPerUser: 5, maxPerTenant: null, validationMode: 'hybrid' },
      passwords: { argon2: { memoryKiB: 65_536 }, breachCheck: { enabled: true } },
      rateLimits: { login: { lockoutThreshold: 25 } },
      accounts: { signupAllowedDomains: ['example.com', 'example.org'] },
      server: { corsOrigins: ['https://a.example.com', 'https://b.example.com'] },
      // A string setting stays a string even when it looks like a number.
      tokens: { audience: '12345' },
    });
    expect(sources.get('passwords.argon2.memoryKiB')).toBe('GATEHOUSE_PASSWORDS__ARGON2__MEMORY_KIB');
  });

  it('has a generic name for every nested setting', () => {
    for (const path of listConfigPaths().filter((p) => p.includes('.'))) {
      const name = envVarForPath(path);
      expect(configFromEnv({ [name]: 'x' }).sources.get(path), name).toBe(name);
    }
  });

  it('names the variable in validation errors', () => {
    expect(() => configOf({ GATEHOUSE_SESSIONS__MAX_PER_USER: 'abc' })).toThrow(
      'GATEHOUSE_SESSIONS__MAX_PER_USER (config.sessions.maxPerUser): expected a positive integer or null, got "abc"',
    );
  });

  it('rejects a section given as a whole and a setting given twice', () => {
    expect(envError({ GATEHOUSE_PASSWORDS__ARGON2: '{}' }).message).toContain(
      'GATEHOUSE_PASSWORDS__ARGON2 names a section, not a setting; e.g. GATEHOUSE_PASSWORDS__ARGON2__MEMORY_KIB',
    );
    expect(envError({ PORT: '1', GATEHOUSE_SERVER__PORT: '2' }).message).toContain(
      'GATEHOUSE_SERVER__PORT (config.server.port): also set by PORT; set it once',
    );
  });
});

describe('configFromEnv: unknown and reserved names', () => {
  it('rejects unknown GATEHOUSE_ variables, every one, with a suggestion', () => {
    const error = envError({
      GATEHOUSE_FOO: '1',
      GATEHOUSE_SESSIONS__MAX_PER_USR: '3',
      GATEHOUSE_DATABASE_URL: 'postgres://db/x',
      GATEHOUSE_SECERT: 'x',
    });
    expect(error.issues.map((issue) => issue.source)).toEqual([
      'GATEHOUSE_DATABASE_URL',
      'GATEHOUSE_FOO',
      'GATEHOUSE_SECERT',
      'GATEHOUSE_SESSIONS__MAX_PER_USR',
    ]);
    expect(error.message).toContain('unknown setting GATEHOUSE_FOO');
    expect(error.message).toContain('unknown setting GATEHOUSE_DATABASE_URL; did you mean DATABASE_URL?');
    expect(error.message).toContain('unknown setting GATEHOUSE_SECERT; did you mean GATEHOUSE_SECRET?');
    expect(error.message).toContain(
      'unknown setting GATEHOUSE_SESSIONS__MAX_PER_USR; did you mean GATEHOUSE_SESSIONS__MAX_PER_USER?',
    );
  });

  it('accepts and ignores the names reserved for later features', () => {
    const env = {
      GATEHOUSE_COOKIE_MODE: 'true',
      GATEHOUSE_HOME: '/home/ada/.gatehouse',
      GATEHOUSE_VAULT_PASSPHRASE: 'the vault passphrase',
      GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID: 'id',
      GATEHOUSE_OAUTH_GITHUB_CLIENT_SECRET: 'secret',
      GATEHOUSE_OIDC_PROVIDERS: 'corp',
      GATEHOUSE_OIDC_CORP_ISSUER: 'https://id.example.com',
      GATEHOUSE_CONFIG: './gatehouse.json',
    };
    expect(configFromEnv(env).input).toEqual({});
    expect(isReservedEnvVar('GATEHOUSE_COOKIE_MODES')).toBe(false);
    expect(RESERVED_ENV_VARS).toContain('GATEHOUSE_COOKIE_MODE');
  });

  it('ignores variables that are not Gatehouse settings', () => {
    expect(configFromEnv({ PATH: '/usr/bin', HOME: '/root', npm_config_cache: '/tmp' }).input).toEqual({});
  });
});
