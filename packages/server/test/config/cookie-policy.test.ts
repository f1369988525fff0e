/**
 * The browser cookie settings (API.md "Browser (cookie) mode"): the policy a public URL
 * resolves to, and the combinations refused before a server starts because a browser would
 * get unprotected cookies (or store none at all).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig, type GatehouseConfigInput } from '@gatehouse/core';
import { configFromEnv } from '../../src/config/env.js';

const PRODUCTION = { environment: 'production', mail: { transport: 'outbox' } } as const;
const HTTPS = 'https://auth.example.com';

/** The dotted keys createConfig refuses `input` for (fails the test when it accepts it). */
function refusedKeys(input: GatehouseConfigInput): string[] {
  try {
    createConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => issue.path);
  }
  throw new Error(`expected createConfig to refuse ${JSON.stringify(input)}`);
}

/** `base` with these server settings (loosely typed, so refused values can be written too). */
const server = (settings: Record<string, unknown>, base: GatehouseConfigInput = {}): GatehouseConfigInput =>
  ({ ...base, server: settings }) as GatehouseConfigInput;

describe('cookie settings: defaults', () => {
  it('cookie mode is off unless turned on', () => {
    expect(createConfig({}).server.cookieMode).toBe(false);
    expect(createConfig(server({ cookieMode: true })).server.cookieMode).toBe(true);
  });

  it("resolves 'development' for an http:// public URL and 'production' for https://", () => {
    expect(createConfig({}).server.cookiePolicy).toBe('development'); // http://localhost:3000
    expect(createConfig(server({ publicUrl: 'http://localhost:8080' })).server.cookiePolicy).toBe(
      'development',
    );
    expect(createConfig(server({ publicUrl: HTTPS })).server.cookiePolicy).toBe('production');
    expect(createConfig(server({ publicUrl: HTTPS }, PRODUCTION)).server.cookiePolicy).toBe('production');
  });

  it('keeps a policy set explicitly', () => {
    const preview = createConfig(server({ publicUrl: HTTPS, cookiePolicy: 'preview' }));
    expect(preview.server.cookiePolicy).toBe('preview');
    const development = createConfig(server({ publicUrl: HTTPS, cookiePolicy: 'development' }));
    expect(development.server.cookiePolicy).toBe('development');
    const shared = createConfig(server({ publicUrl: HTTPS, cookieDomain: 'example.com' }));
    expect(shared.server.cookieDomain).toBe('example.com');
  });

  it('a production config that never mentions cookies loads as it did before cookie mode', () => {
    // Cookie mode off: no cookie is ever set, so no cookie rule may refuse an existing deployment.
    expect(() => createConfig(PRODUCTION)).not.toThrow();
    expect(() => createConfig(server({ publicUrl: 'http://auth.internal:3000' }, PRODUCTION))).not.toThrow();
  });
});

// The rules are checked with cookie mode on: without it no cookie is ever set.
describe('cookie settings: refusals', () => {
  it("refuses 'development' cookies (not Secure) in production", () => {
    expect(
      refusedKeys(server({ publicUrl: HTTPS, cookiePolicy: 'development', cookieMode: true }, PRODUCTION)),
    ).toEqual(['server.cookiePolicy']);
    // Resolved from an http:// public URL, with cookie mode on, it is just as unprotected.
    const resolved = refusedKeys(
      server({ publicUrl: 'http://auth.example.com', cookieMode: true }, PRODUCTION),
    );
    expect(resolved.length).toBeGreaterThan(0);
    expect(['server.cookiePolicy', 'server.publicUrl']).toEqual(expect.arrayContaining(resolved));
  });

  it("refuses a cookie domain with any policy but 'production'", () => {
    for (const cookiePolicy of ['preview', 'development'] as const) {
      expect(
        refusedKeys(
          server({ publicUrl: HTTPS, cookiePolicy, cookieDomain: 'example.com', cookieMode: true }),
        ),
      ).toEqual(['server.cookieDomain']);
    }
    // 'development' resolved from the http:// public URL counts the same.
    expect(
      refusedKeys(
        server({ publicUrl: 'http://localhost:3000', cookieDomain: 'example.com', cookieMode: true }),
      ),
    ).toEqual(['server.cookieDomain']);
  });

  it('refuses Secure policies on a plain-http public URL other than loopback', () => {
    for (const cookiePolicy of ['production', 'preview'] as const) {
      for (const publicUrl of [
        'http://auth.example.com',
        'http://localhost.evil.example',
        'http://127.0.0.2:3000',
        'http://10.0.0.5:3000',
      ]) {
        const keys = refusedKeys(server({ publicUrl, cookiePolicy, cookieMode: true }));
        expect(keys.length, `${cookiePolicy} on ${publicUrl}`).toBeGreaterThan(0);
        expect(['server.cookiePolicy', 'server.publicUrl']).toEqual(expect.arrayContaining(keys));
      }
    }
  });

  it('accepts Secure policies on http://localhost, 127.0.0.1 and [::1] (browsers treat them as secure)', () => {
    for (const cookiePolicy of ['production', 'preview'] as const) {
      for (const publicUrl of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
        expect(createConfig(server({ publicUrl, cookiePolicy, cookieMode: true })).server.cookiePolicy).toBe(
          cookiePolicy,
        );
      }
    }
  });

  it('refuses an unknown policy and a cookie domain that is not a bare domain name', () => {
    expect(refusedKeys(server({ publicUrl: HTTPS, cookiePolicy: 'strict' }))).toEqual([
      'server.cookiePolicy',
    ]);
    for (const cookieDomain of ['.example.com', 'https://example.com', 'example.com/', 'exa mple.com', '']) {
      expect(refusedKeys(server({ publicUrl: HTTPS, cookieDomain })), cookieDomain).toEqual([
        'server.cookieDomain',
      ]);
    }
  });

  it('names the environment variable that set a refused value', () => {
    const { input, sources } = configFromEnv({
      NODE_ENV: 'production',
      GATEHOUSE_MAIL_TRANSPORT: 'outbox',
      GATEHOUSE_PUBLIC_URL: HTTPS,
      GATEHOUSE_COOKIE_MODE: 'true',
      GATEHOUSE_COOKIE_POLICY: 'development',
    });
    expect(() => createConfig(input, { sources })).toThrow(
      /GATEHOUSE_COOKIE_POLICY \(config\.server\.cookiePolicy\)/,
    );
  });
});
