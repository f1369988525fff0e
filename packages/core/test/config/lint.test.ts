import { randomBytes } from 'node:crypto';
import { describe, it, expect } from 'vitest';

import {
  createConfig,
  lint,
  owaspArgon2MinimumMemoryKiB,
  type GatehouseConfigInput,
} from '../../src/config/index.js';

const SECRET = randomBytes(32).toString('base64');
const PRODUCTION = {
  environment: 'production',
  secret: SECRET,
  server: { publicUrl: 'https://auth.example.com', metricsPort: 9464 },
  mail: { transport: 'smtp', smtpUrl: 'smtps://mailer:pw@smtp.example.com:465' },
} as const;

const keysOf = (input: GatehouseConfigInput) => lint(createConfig(input)).map((warning) => warning.key);

describe('lint', () => {
  it('finds nothing wrong with the defaults, every preset, or a proper production setup', () => {
    expect(lint(createConfig())).toEqual([]);
    expect(lint(createConfig({ environment: 'test' }))).toEqual([]);
    expect(lint(createConfig({ preset: 'highSecurity' }))).toEqual([]);
    expect(lint(createConfig({ preset: 'highThroughput' }))).toEqual([]);
    expect(lint(createConfig(PRODUCTION))).toEqual([]);
  });

  it("implements OWASP's Argon2id equivalence table", () => {
    expect([1, 2, 3, 4, 5, 6].map(owaspArgon2MinimumMemoryKiB)).toEqual([
      47_104, 19_456, 12_288, 9_216, 7_168, 7_168,
    ]);
    const argon2 = (memoryKiB: number, iterations: number) =>
      keysOf({ passwords: { argon2: { memoryKiB, iterations } } });
    for (const [memoryKiB, iterations] of [
      [47_104, 1],
      [19_456, 2],
      [12_288, 3],
      [9_216, 4],
      [7_168, 5],
      [7_168, 10],
    ] as const) {
      expect(argon2(memoryKiB, iterations)).not.toContain('passwords.argon2');
      expect(argon2(memoryKiB - 1, iterations)).toContain('passwords.argon2');
    }
    expect(argon2(19_456, 1)).toContain('passwords.argon2');
    expect(argon2(4_096, 3)).toContain('passwords.argon2');
  });

  it('warns about HS256, critically in production', () => {
    const development = lint(createConfig({ tokens: { algorithm: 'HS256' } }));
    expect(development).toEqual([expect.objectContaining({ key: 'tokens.algorithm', severity: 'warning' })]);
    const production = lint(createConfig({ ...PRODUCTION, tokens: { algorithm: 'HS256' } }));
    expect(production).toEqual([expect.objectContaining({ key: 'tokens.algorithm', severity: 'critical' })]);
    expect(production[0]?.message).toMatch(/^INSECURE in production/);
  });

  it('warns about each weak setting', () => {
    const cases: [GatehouseConfigInput, string][] = [
      [{ rateLimits: { enabled: false } }, 'rateLimits.enabled'],
      [{ server: { corsOrigins: ['*'] } }, 'server.corsOrigins'],
      [{ sessions: { validationMode: 'jwt' } }, 'sessions.validationMode'],
      [
        {
          environment: 'production',
          secret: SECRET,
          mail: { transport: 'outbox' },
          server: { metricsPort: 9464 },
        },
        'server.publicUrl',
      ],
      [{ tokens: { accessTokenTtlSeconds: 7_200 } }, 'tokens.accessTokenTtlSeconds'],
      [{ passwords: { minLength: 6 } }, 'passwords.minLength'],
      [{ preset: 'highSecurity', passwords: { minLength: 12 } }, 'passwords.minLength'],
      [{ accounts: { requireVerifiedEmail: false } }, 'accounts.requireVerifiedEmail'],
      [{ accounts: { enumerationProtection: false } }, 'accounts.enumerationProtection'],
      [{ sessions: { absoluteLifetimeSeconds: 91 * 86_400 } }, 'sessions.absoluteLifetimeSeconds'],
      [
        { sessions: { idleTimeoutSeconds: 100 * 86_400, absoluteLifetimeSeconds: 90 * 86_400 } },
        'sessions.idleTimeoutSeconds',
      ],
      [
        { sessions: { idleTimeoutSeconds: 7_200, absoluteLifetimeSeconds: 3_600 } },
        'sessions.idleTimeoutSeconds',
      ],
      [{ tokens: { keyRotationGraceSeconds: 60 } }, 'tokens.keyRotationGraceSeconds'],
      [{ server: { trustedProxies: ['0.0.0.0/0'] } }, 'server.trustedProxies'],
      [{ ...PRODUCTION, server: { publicUrl: 'https://auth.example.com' } }, 'server.metricsPort'],
      [{ tenancy: { tenants: ['acme'] } }, 'tenancy.tenants'],
      [{ passwords: { maxLength: 32 } }, 'passwords.maxLength'],
      [
        { passwords: { breachCheck: { enabled: true, apiUrl: 'http://hibp.internal' } } },
        'passwords.breachCheck.apiUrl',
      ],
    ];
    for (const [input, key] of cases) expect(new Set(keysOf(input)), key).toEqual(new Set([key]));
  });

  it('stays quiet about things that are fine', () => {
    expect(keysOf({ sessions: { deviceBinding: 'off', validationMode: 'hybrid' } })).toEqual([]);
    expect(keysOf({ passwords: { minLength: 12 } })).toEqual([]);
    expect(keysOf({ tokens: { accessTokenTtlSeconds: 3_600 } })).toEqual([]);
    expect(keysOf({ tenancy: { multiTenant: true, tenants: ['acme'] } })).toEqual([]);
    expect(keysOf({ server: { corsOrigins: ['https://app.example.com'] } })).toEqual([]);
    const metricsBehindToken = { publicUrl: 'https://auth.example.com', metricsToken: 'x'.repeat(32) };
    expect(keysOf({ ...PRODUCTION, server: metricsBehindToken })).toEqual([]);
  });

  it('says what is at stake in each message', () => {
    const [warning] = lint(createConfig({ sessions: { validationMode: 'jwt' } }));
    expect(warning?.message).toContain('logout');
  });
});
