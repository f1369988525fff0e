import { randomBytes } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ConfigError, createConfig, listConfigPaths } from '@gatehouse/core';

import { configFromEnv, envVarForPath, isReservedEnvVar, RESERVED_ENV_VARS } from '../../src/config/env.js';

const SECRET = randomBytes(32).toString('base64');

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

  it('maps the browser cookie settings, and refuses a cookie mode that is not true or false', () => {
    expect(
      configFromEnv({
        GATEHOUSE_COOKIE_MODE: 'true',
        GATEHOUSE_COOKIE_POLICY: 'preview',
        GATEHOUSE_COOKIE_DOMAIN: 'example.com',
      }).input,
    ).toEqual({ server: { cookieMode: true, cookiePolicy: 'preview', cookieDomain: 'example.com' } });
    expect(() => configOf({ GATEHOUSE_COOKIE_MODE: 'yes' })).toThrow(
      'GATEHOUSE_COOKIE_MODE (config.server.cookieMode): expected true or false, got "yes"',
    );
  });

  it('ignores the client-side names', () => {
    const env = {
      GATEHOUSE_HOME: '/home/ada/.gatehouse',
      GATEHOUSE_VAULT_PASSPHRASE: 'the vault passphrase',
      GATEHOUSE_CONFIG: './gatehouse.json',
    };
    expect(configFromEnv(env).input).toEqual({});
    expect(isReservedEnvVar('GATEHOUSE_COOKIE_MODE')).toBe(false);
    expect(RESERVED_ENV_VARS).not.toContain('GATEHOUSE_COOKIE_MODE');
    // OAuth names are settings now, no longer reserved.
    expect(isReservedEnvVar('GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID')).toBe(false);
    expect(isReservedEnvVar('GATEHOUSE_OIDC_PROVIDERS')).toBe(false);
  });

  it('ignores variables that are not Gatehouse settings', () => {
    expect(configFromEnv({ PATH: '/usr/bin', HOME: '/root', npm_config_cache: '/tmp' }).input).toEqual({});
  });
});

describe('configFromEnv: OAuth providers', () => {
  const GOOGLE_SECRET = 'GOCSPX-FAKE-google-secret-value';
  const GITHUB_SECRET = 'FAKE-github-secret-value-0123456789';
  const MICROSOFT_SECRET = 'FAKE8Q~microsoft-secret-value';
  const CORP_SECRET = 'FAKE-corp-oidc-secret-value';

  /** The message of the ConfigError `env` causes, checked to echo none of the secrets. */
  function errorOf(env: NodeJS.ProcessEnv, fromCreateConfig = false): string {
    let message = '';
    try {
      if (fromCreateConfig) configOf(env);
      else configFromEnv(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message, 'expected a ConfigError').not.toBe('');
    for (const secret of [GOOGLE_SECRET, GITHUB_SECRET, MICROSOFT_SECRET, CORP_SECRET]) {
      expect(message).not.toContain(secret);
    }
    return message;
  }

  it('maps the built-in providers, with a single-tenant Microsoft issuer', () => {
    const env = {
      GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID: '4074-abc.apps.googleusercontent.com',
      GATEHOUSE_OAUTH_GOOGLE_CLIENT_SECRET: ` ${GOOGLE_SECRET}\n`,
      GATEHOUSE_OAUTH_GITHUB_CLIENT_ID: 'Ov23liFAKE',
      GATEHOUSE_OAUTH_GITHUB_CLIENT_SECRET: GITHUB_SECRET,
      GATEHOUSE_OAUTH_MICROSOFT_CLIENT_ID: '6731de76-14a6-49ae-97bc-6eba6914391e',
      GATEHOUSE_OAUTH_MICROSOFT_CLIENT_SECRET: MICROSOFT_SECRET,
      GATEHOUSE_OAUTH_MICROSOFT_ISSUER:
        'https://login.microsoftonline.com/3c1e1f7a-5b2d-4e8f-9a6b-0d4c2e7f8a91/v2.0',
    };
    const { input, sources } = configFromEnv(env);
    expect(input).toEqual({
      oauth: {
        providers: {
          google: {
            kind: 'google',
            clientId: '4074-abc.apps.googleusercontent.com',
            clientSecret: GOOGLE_SECRET,
          },
          github: { kind: 'github', clientId: 'Ov23liFAKE', clientSecret: GITHUB_SECRET },
          microsoft: {
            kind: 'microsoft',
            clientId: '6731de76-14a6-49ae-97bc-6eba6914391e',
            clientSecret: MICROSOFT_SECRET,
            issuer: 'https://login.microsoftonline.com/3c1e1f7a-5b2d-4e8f-9a6b-0d4c2e7f8a91/v2.0',
          },
        },
      },
    });
    expect(sources.get('oauth.providers.google.clientSecret')).toBe('GATEHOUSE_OAUTH_GOOGLE_CLIENT_SECRET');
    expect(sources.get('oauth.providers.microsoft.issuer')).toBe('GATEHOUSE_OAUTH_MICROSOFT_ISSUER');
    expect(configOf(env).oauth.providers.github).toEqual({
      kind: 'github',
      clientId: 'Ov23liFAKE',
      clientSecret: GITHUB_SECRET,
      scopes: [],
    });
  });

  it('maps OIDC providers: ids lower-cased, with "-" written "_" in variable names', () => {
    const { input, sources } = configFromEnv({
      GATEHOUSE_OIDC_PROVIDERS: ' Corp , my-idp,corp',
      GATEHOUSE_OIDC_CORP_ISSUER: 'https://id.corp.example',
      GATEHOUSE_OIDC_CORP_CLIENT_ID: 'gatehouse',
      GATEHOUSE_OIDC_CORP_CLIENT_SECRET: CORP_SECRET,
      GATEHOUSE_OIDC_MY_IDP_ISSUER: 'https://idp.example/realms/main',
      GATEHOUSE_OIDC_MY_IDP_CLIENT_ID: 'gh',
      GATEHOUSE_OIDC_MY_IDP_CLIENT_SECRET: 'my-idp-secret',
    });
    expect(input.oauth?.providers).toEqual({
      corp: {
        kind: 'oidc',
        issuer: 'https://id.corp.example',
        clientId: 'gatehouse',
        clientSecret: CORP_SECRET,
      },
      'my-idp': {
        kind: 'oidc',
        issuer: 'https://idp.example/realms/main',
        clientId: 'gh',
        clientSecret: 'my-idp-secret',
      },
    });
    expect(sources.get('oauth.providers.my-idp.issuer')).toBe('GATEHOUSE_OIDC_MY_IDP_ISSUER');
  });

  it('keeps the generic GATEHOUSE_OAUTH__<KEY> form beside the provider variables', () => {
    const config = configOf({
      GATEHOUSE_OAUTH__STATE_TTL_SECONDS: '300',
      GATEHOUSE_OAUTH__EXCHANGE_CODE_TTL_SECONDS: '30',
      GATEHOUSE_OAUTH_GITHUB_CLIENT_ID: 'Ov23liFAKE',
      GATEHOUSE_OAUTH_GITHUB_CLIENT_SECRET: GITHUB_SECRET,
    });
    expect(config.oauth.stateTtlSeconds).toBe(300);
    expect(config.oauth.exchangeCodeTtlSeconds).toBe(30);
    expect(Object.keys(config.oauth.providers)).toEqual(['github']);
  });

  it('takes a JSON object in GATEHOUSE_OAUTH__PROVIDERS, but not together with provider variables', () => {
    const json = JSON.stringify({
      corp: {
        kind: 'oidc',
        issuer: 'https://id.corp.example',
        clientId: 'gh',
        clientSecret: CORP_SECRET,
        scopes: ['groups'],
      },
    });
    expect(configOf({ GATEHOUSE_OAUTH__PROVIDERS: json }).oauth.providers.corp?.scopes).toEqual(['groups']);
    const message = errorOf({
      GATEHOUSE_OAUTH__PROVIDERS: json,
      GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID: 'g',
      GATEHOUSE_OAUTH_GOOGLE_CLIENT_SECRET: GOOGLE_SECRET,
    });
    expect(message).toContain(
      'GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID (config.oauth.providers.google): also set by GATEHOUSE_OAUTH__PROVIDERS',
    );
    const invalid = errorOf({ GATEHOUSE_OAUTH__PROVIDERS: json.replace('https://', 'ftp://') }, true);
    expect(invalid).toContain(
      'GATEHOUSE_OAUTH__PROVIDERS (config.oauth.providers.corp.issuer): expected an http(s) issuer URL',
    );
  });

  it('refuses a built-in provider with only one of its client id and secret', () => {
    expect(errorOf({ GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID: 'g' })).toContain(
      'GATEHOUSE_OAUTH_GOOGLE_CLIENT_SECRET (config.oauth.providers.google.clientSecret): not set, but GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID is set',
    );
    expect(errorOf({ GATEHOUSE_OAUTH_GITHUB_CLIENT_SECRET: GITHUB_SECRET })).toContain(
      'GATEHOUSE_OAUTH_GITHUB_CLIENT_ID (config.oauth.providers.github.clientId): not set, but GATEHOUSE_OAUTH_GITHUB_CLIENT_SECRET is set',
    );
    // An empty value counts as unset, here too.
    expect(
      errorOf({ GATEHOUSE_OAUTH_GITHUB_CLIENT_ID: 'x', GATEHOUSE_OAUTH_GITHUB_CLIENT_SECRET: ' ' }),
    ).toContain('GATEHOUSE_OAUTH_GITHUB_CLIENT_SECRET (config.oauth.providers.github.clientSecret): not set');
    const issuerOnly = envError({
      GATEHOUSE_OAUTH_MICROSOFT_ISSUER: 'https://login.microsoftonline.com/x/v2.0',
    });
    expect(issuerOnly.issues.map((issue) => issue.source)).toEqual([
      'GATEHOUSE_OAUTH_MICROSOFT_CLIENT_ID',
      'GATEHOUSE_OAUTH_MICROSOFT_CLIENT_SECRET',
    ]);
  });

  it('refuses a listed OIDC provider without its issuer, client id or secret', () => {
    expect(
      errorOf({
        GATEHOUSE_OIDC_PROVIDERS: 'corp',
        GATEHOUSE_OIDC_CORP_CLIENT_ID: 'gh',
        GATEHOUSE_OIDC_CORP_CLIENT_SECRET: CORP_SECRET,
      }),
    ).toContain(
      'GATEHOUSE_OIDC_CORP_ISSUER (config.oauth.providers.corp.issuer): not set, but GATEHOUSE_OIDC_PROVIDERS lists corp',
    );
    expect(envError({ GATEHOUSE_OIDC_PROVIDERS: 'corp' }).issues.map((issue) => issue.source)).toEqual([
      'GATEHOUSE_OIDC_CORP_ISSUER',
      'GATEHOUSE_OIDC_CORP_CLIENT_ID',
      'GATEHOUSE_OIDC_CORP_CLIENT_SECRET',
    ]);
  });

  it('refuses OIDC variables for an id GATEHOUSE_OIDC_PROVIDERS does not list', () => {
    const message = errorOf({
      GATEHOUSE_OIDC_PROVIDERS: 'corp',
      GATEHOUSE_OIDC_CORP_ISSUER: 'https://id.corp.example',
      GATEHOUSE_OIDC_CORP_CLIENT_ID: 'gh',
      GATEHOUSE_OIDC_CORP_CLIENT_SECRET: CORP_SECRET,
      GATEHOUSE_OIDC_MY_IDP_CLIENT_SECRET: CORP_SECRET,
    });
    expect(message).toContain(
      'GATEHOUSE_OIDC_MY_IDP_CLIENT_SECRET configures OpenID Connect provider "my-idp", which GATEHOUSE_OIDC_PROVIDERS does not list',
    );
    expect(errorOf({ GATEHOUSE_OIDC_CORP_ISSUER: 'https://id.corp.example' })).toContain(
      'provider "corp", which GATEHOUSE_OIDC_PROVIDERS does not list',
    );
  });

  it('refuses provider ids the schema would not take', () => {
    expect(errorOf({ GATEHOUSE_OIDC_PROVIDERS: 'corp,my_idp,-x' })).toContain(
      `GATEHOUSE_OIDC_PROVIDERS (config.oauth.providers): expected provider ids of a-z, 0-9 and '-' (up to 32 characters), got "my_idp", "-x"`,
    );
  });

  it('refuses unknown provider names, with a hint', () => {
    expect(errorOf({ GATEHOUSE_OAUTH_FACEBOOK_CLIENT_ID: 'fb' })).toContain(
      'GATEHOUSE_OAUTH_FACEBOOK_CLIENT_ID: "facebook" is not a built-in provider (google, github, microsoft); configure other OpenID Connect providers with GATEHOUSE_OIDC_PROVIDERS',
    );
    expect(errorOf({ GATEHOUSE_OAUTH_GOOGLE_ISSUER: 'https://accounts.google.com' })).toContain(
      'GATEHOUSE_OAUTH_GOOGLE_ISSUER: the google issuer is fixed',
    );
    expect(errorOf({ GATEHOUSE_OAUTH_GOOGLE_CLIENTID: 'g' })).toContain(
      'unknown setting GATEHOUSE_OAUTH_GOOGLE_CLIENTID; did you mean GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID?',
    );
    expect(errorOf({ GATEHOUSE_OIDC_PROVIDER: 'corp' })).toContain(
      'unknown setting GATEHOUSE_OIDC_PROVIDER; did you mean GATEHOUSE_OIDC_PROVIDERS?',
    );
  });

  it('refuses one id configured both as a built-in and as an OIDC provider', () => {
    expect(
      errorOf({
        GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID: 'g',
        GATEHOUSE_OAUTH_GOOGLE_CLIENT_SECRET: GOOGLE_SECRET,
        GATEHOUSE_OIDC_PROVIDERS: 'google',
        GATEHOUSE_OIDC_GOOGLE_ISSUER: 'https://accounts.google.com',
        GATEHOUSE_OIDC_GOOGLE_CLIENT_ID: 'g',
        GATEHOUSE_OIDC_GOOGLE_CLIENT_SECRET: CORP_SECRET,
      }),
    ).toContain(
      'GATEHOUSE_OIDC_GOOGLE_ISSUER (config.oauth.providers.google): also set by GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID',
    );
  });

  it('names the variable when the schema refuses a value, without echoing the secret', () => {
    const message = errorOf(
      {
        GATEHOUSE_OIDC_PROVIDERS: 'corp',
        GATEHOUSE_OIDC_CORP_ISSUER: 'ldap://id.corp.example',
        GATEHOUSE_OIDC_CORP_CLIENT_ID: 'gh',
        GATEHOUSE_OIDC_CORP_CLIENT_SECRET: CORP_SECRET,
      },
      true,
    );
    expect(message).toContain(
      'GATEHOUSE_OIDC_CORP_ISSUER (config.oauth.providers.corp.issuer): expected an http(s) issuer URL, got "ldap://id.corp.example"',
    );
  });
});
