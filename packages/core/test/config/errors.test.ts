import { randomBytes } from 'node:crypto';
import { describe, it, expect } from 'vitest';

import { ConfigError, createConfig, type GatehouseConfigInput } from '../../src/config/index.js';

const SECRET = randomBytes(32).toString('base64');

function thrown(input: unknown, sources?: Map<string, string>): ConfigError {
  try {
    createConfig(input as GatehouseConfigInput, sources ? { sources } : {});
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected createConfig to throw');
}

describe('unknown keys', () => {
  it('are rejected with their path, at any depth, with a suggestion', () => {
    const error = thrown({ server: { prot: 80 }, passwords: { argon2: { memory: 1 } }, sesions: {} });
    expect(error.issues).toEqual([
      { path: 'server.prot', message: 'unknown key; did you mean "port"?' },
      { path: 'passwords.argon2.memory', message: 'unknown key; did you mean "memoryKiB"?' },
      { path: 'sesions', message: 'unknown key; did you mean "sessions"?' },
    ]);
    expect(error.message).toContain('config.server.prot: unknown key');
  });

  it('lists the allowed keys when nothing is close', () => {
    expect(thrown({ tenancy: { zzzzzzzz: true } }).message).toContain(
      'config.tenancy.zzzzzzzz: unknown key; expected one of multiTenant, tenants',
    );
  });

  it('treats __proto__ as an ordinary unknown key', () => {
    const error = thrown(JSON.parse('{"server": {"__proto__": {"polluted": true}}}'));
    expect(error.issues[0]?.path).toBe('server.__proto__');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('bad values', () => {
  it('name the key, what it expects and what it got, for every problem at once', () => {
    const error = thrown({
      server: {
        port: 0,
        trustedProxies: ['10.0.0.0/8', '1.2.3.4/33'],
        corsOrigins: ['https://app.example.com/x'],
      },
      sessions: { maxPerUser: 'abc', validationMode: 'loose', hybridCacheSeconds: 30 },
      tokens: { clockLeewaySeconds: 1.5, keyRefreshIntervalSeconds: 60 },
      storage: { redisClusterNodes: ['redis-1'] },
      tenancy: { multiTenant: 'yes', tenants: ['Acme'] },
      accounts: { signupAllowedDomains: ['Example.com'] },
    });
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('Invalid Gatehouse configuration (12 problems):');
    expect(lines.slice(1)).toEqual(
      expect.arrayContaining([
        '  - config.server.port: expected an integer from 1 to 65535, got 0',
        '  - config.server.trustedProxies[1]: expected an IP address, a CIDR block, or loopback/linklocal/uniquelocal, got "1.2.3.4/33"',
        `  - config.server.corsOrigins[0]: expected an origin like https://app.example.com (no path), or '*', got "https://app.example.com/x"`,
        '  - config.tokens.clockLeewaySeconds: expected an integer from 0 to 120, got 1.5',
        '  - config.tokens.keyRefreshIntervalSeconds: expected an integer from 1 to 30, got 60',
        '  - config.sessions.validationMode: expected one of "jwt", "hybrid", "strict", got "loose"',
        '  - config.sessions.hybridCacheSeconds: expected an integer from 0 to 5, got 30',
        '  - config.storage.redisClusterNodes[0]: expected host:port (or [ipv6]:port), got "redis-1"',
        '  - config.accounts.signupAllowedDomains[0]: expected a lower-case domain like example.com, got "Example.com"',
      ]),
    );
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'server.port',
        'server.trustedProxies[1]',
        'sessions.maxPerUser',
        'tenancy.multiTenant',
        'tenancy.tenants[0]',
        'accounts.signupAllowedDomains[0]',
      ]),
    );
    expect(error.message).toContain(
      'config.sessions.maxPerUser: expected a positive integer or null, got "abc"',
    );
    expect(error.message).toContain('config.tenancy.multiTenant: expected true or false, got "yes"');
    expect(error.message).toContain('config.tenancy.tenants[0]: expected a slug');
    expect(error.message).not.toContain('10.0.0.0/8');
  });

  it('names the source of a value when it is known, inherited by nested paths', () => {
    const sources = new Map([
      ['sessions.maxPerUser', 'GATEHOUSE_SESSIONS__MAX_PER_USER'],
      ['server.trustedProxies', 'GATEHOUSE_TRUSTED_PROXIES'],
    ]);
    const error = thrown({ sessions: { maxPerUser: 'abc' }, server: { trustedProxies: ['nope'] } }, sources);
    expect(error.message).toContain(
      'GATEHOUSE_TRUSTED_PROXIES (config.server.trustedProxies[0]): expected an IP address',
    );
    expect(error.message).toContain(
      'GATEHOUSE_SESSIONS__MAX_PER_USER (config.sessions.maxPerUser): expected a positive integer or null, got "abc"',
    );
    expect(error.issues.find((issue) => issue.path === 'sessions.maxPerUser')?.source).toBe(
      'GATEHOUSE_SESSIONS__MAX_PER_USER',
    );
  });

  it('rejects a non-object configuration', () => {
    expect(thrown('port=3000').message).toContain('config: expected an object, got a string');
  });

  it('checks rules that span keys', () => {
    const message = thrown({
      passwords: { minLength: 20, maxLength: 10, argon2: { memoryKiB: 16, parallelism: 4 } },
      storage: { redisUrl: 'redis://cache:6379', redisClusterNodes: ['cache-1:6379'] },
      server: { authBodyLimitBytes: 2_000_000 },
    }).message;
    expect(message).toContain(
      'config.passwords.minLength: expected at most passwords.maxLength (10), got 20',
    );
    expect(message).toContain('config.passwords.argon2.memoryKiB: expected at least 8 KiB per lane');
    expect(message).toContain('config.storage.redisClusterNodes: expected either storage.redisUrl');
    expect(message).toContain('config.server.authBodyLimitBytes: expected at most server.bodyLimitBytes');
    // A missing secret is refused when the engine opens (crypto/master-secret.ts), with its own message.
    expect(() => createConfig({ environment: 'production', mail: { transport: 'outbox' } })).not.toThrow();
    expect(() =>
      createConfig({ storage: { databaseUrl: 'postgres://db/gatehouse' }, secret: SECRET }),
    ).not.toThrow();
  });

  it('validates the secret as base64 of at least 32 bytes', () => {
    expect(() => createConfig({ secret: SECRET })).not.toThrow();
    expect(() => createConfig({ secret: randomBytes(48).toString('base64url') })).not.toThrow();
    expect(thrown({ secret: randomBytes(16).toString('base64') }).issues[0]?.path).toBe('secret');
    expect(thrown({ secret: `${SECRET}!` }).issues[0]?.path).toBe('secret');
  });

  it('refuses a secret that decodes fine but is plainly not random, without quoting it', () => {
    const block = randomBytes(8);
    const weak: [string, RegExp][] = [
      ['a'.repeat(44), /the same 3 bytes repeated/],
      [Buffer.alloc(32, 7).toString('base64'), /the same 1 byte repeated/],
      [Buffer.concat([block, block, block, block]).toString('base64url'), /the same 8 bytes repeated/],
      [Buffer.from([...Array(32).keys()]).toString('base64'), /counting sequence/],
      [Buffer.from('correct horse battery staple, gatehouse!').toString('base64'), /typed text/],
    ];
    for (const [secret, reason] of weak) {
      const error = thrown({ secret });
      expect(error.issues.map((issue) => issue.path)).toEqual(['secret']);
      expect(error.message).toMatch(reason);
      expect(error.message).toContain('openssl rand -base64 32');
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error.issues)).not.toContain(secret);
    }
    // Random bytes pass, and so does the base64 of a random hex key (text, but 256 bits).
    for (let i = 0; i < 200; i++)
      expect(() => createConfig({ secret: randomBytes(32).toString('base64') })).not.toThrow();
    const hexKey = Buffer.from(randomBytes(32).toString('hex')).toString('base64');
    expect(() => createConfig({ secret: hexKey })).not.toThrow();
  });
});

describe('secrets never appear in messages', () => {
  const FAKE = 'hunter2-FAKE-SECRET-do-not-print';

  it('hides the master secret and the bootstrap admin password', () => {
    const badSecret = thrown({
      secret: FAKE,
      bootstrapAdmin: { email: 'admin@example.com', password: FAKE },
    });
    expect(badSecret.issues.map((issue) => issue.path)).toEqual(['secret']);
    expect(badSecret.message).toContain('config.secret: expected base64 of at least 32 random bytes');
    // Cross-key rules run once every key is valid on its own.
    const longPassword = thrown({
      bootstrapAdmin: { email: 'admin@example.com', password: FAKE },
      passwords: { maxLength: 10 },
    });
    expect(longPassword.issues.map((issue) => issue.path)).toEqual(['bootstrapAdmin.password']);
    for (const error of [badSecret, longPassword]) {
      expect(error.message).toContain('got [redacted]');
      expect(error.message).not.toContain(FAKE);
      expect(JSON.stringify(error.issues)).not.toContain(FAKE);
      expect(String(error.stack)).not.toContain(FAKE);
      expect(error.cause).toBeUndefined();
    }
  });

  it('hides secrets given in the wrong shape', () => {
    expect(thrown({ bootstrapAdmin: FAKE }).message).not.toContain(FAKE);
    expect(thrown({ secret: [FAKE] }).message).not.toContain(FAKE);
    expect(thrown({ bootstrapAdmin: { email: 'a@example.com', password: 12345678 } }).message).not.toContain(
      '12345678',
    );
  });

  it('masks the password of a URL', () => {
    const error = thrown({
      storage: { databaseUrl: `mysql://gate:${FAKE}@db:3306/auth`, redisUrl: `http://:${FAKE}@cache:6379` },
    });
    expect(error.message).toContain(
      'config.storage.databaseUrl: expected a postgres:// or postgresql:// URL, got "mysql://gate:***@db:3306/auth"',
    );
    expect(error.message).toContain('got "http://:***@cache:6379"');
    expect(error.message).not.toContain(FAKE);
  });
});
