/**
 * RemoteVerifier's caching and failure rules with an in-memory "server" (a fetch double):
 * one JWKS fetch for concurrent callers, backoff after a failure, stale keys while the
 * server is down, which published keys are usable, and the hybrid/strict session check.
 * The middleware packages test the same verifier against a real server.
 */
import { describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config/index.js';
import { generateSigningKey } from '../../src/keys/generate-key.js';
import { AccessTokenIssuer, RemoteVerifier, parseJwks, type RemoteVerifierOptions } from '../../src/index.js';
import { ManualClock } from '../../src/util/clock.js';

const ISSUER = 'https://auth.example.test';
const config = createConfig({ tokens: { issuer: ISSUER } });
const key = await generateSigningKey('EdDSA');
const issuer = new AccessTokenIssuer({
  keyring: { current: () => key },
  config,
  clock: { now: () => clockNow() },
});
const JWKS = JSON.stringify({ keys: [key.publicJwk] });

let sharedClock = new ManualClock();
const clockNow = () => sharedClock.now();

const token = () =>
  issuer.issue({
    userId: 'usr_1',
    sessionId: 'ses_1',
    tenant: 'default',
    authTime: Math.floor(sharedClock.now() / 1000),
    amr: ['pwd'],
    roleVersion: 1,
    permissionVersion: 1,
    accountVersion: 1,
    roles: ['user'],
  }).token;

/** A fetch double: `jwks` and `session` say what the server answers (a status or a thrown error). */
function fakeServer() {
  const server = {
    jwks: 200 as number | 'down',
    session: 204 as number | 'down',
    jwksCalls: 0,
    sessionCalls: 0,
  };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const isJwks = String(input).endsWith('/.well-known/jwks.json');
    const answer = isJwks ? server.jwks : server.session;
    if (isJwks) server.jwksCalls++;
    else server.sessionCalls++;
    if (answer === 'down') throw new TypeError('fetch failed');
    if (!isJwks) expect(init?.headers).toMatchObject({ authorization: expect.stringMatching(/^Bearer /) });
    return new Response(isJwks && answer === 200 ? JWKS : null, { status: answer });
  };
  return { server, fetch };
}

function setUp(options: Partial<RemoteVerifierOptions> = {}) {
  sharedClock = new ManualClock(Date.UTC(2026, 0, 1));
  const { server, fetch } = fakeServer();
  const verifier = new RemoteVerifier({ issuer: `${ISSUER}/`, clock: sharedClock, fetch, ...options });
  return { server, verifier, clock: sharedClock };
}

describe('RemoteVerifier: keys', () => {
  it('concurrent first requests share one JWKS fetch', async () => {
    const { server, verifier } = setUp();
    const results = await Promise.all(Array.from({ length: 5 }, () => verifier.verify(token())));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(server.jwksCalls).toBe(1);
  });

  it('a failed fetch answers unavailable, backs off 5 s, then recovers', async () => {
    const { server, verifier, clock } = setUp();
    server.jwks = 500;
    expect(await verifier.verify(token())).toEqual({ ok: false, reason: 'unavailable' });
    server.jwks = 200;
    expect(await verifier.verify(token())).toEqual({ ok: false, reason: 'unavailable' });
    expect(server.jwksCalls).toBe(1);
    clock.advance(5_000);
    expect((await verifier.verify(token())).ok).toBe(true);
    expect(server.jwksCalls).toBe(2);
  });

  it('keeps verifying with the keys it holds while the server is down after the cache expired', async () => {
    const { server, verifier, clock } = setUp();
    expect((await verifier.verify(token())).ok).toBe(true);
    server.jwks = 'down';
    clock.advance(301_000);
    expect((await verifier.verify(token())).ok).toBe(true);
    expect(server.jwksCalls).toBe(2);
  });

  it('an unknown kid refetches at most once per 30 s', async () => {
    const { server, verifier, clock } = setUp();
    const [, payload, signature] = token().split('.') as [string, string, string];
    const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid: 'other' })).toString(
      'base64url',
    );
    const forged = `${header}.${payload}.${signature}`;
    expect(await verifier.verify(forged)).toEqual({ ok: false, reason: 'unknown_key' });
    expect(await verifier.verify(forged)).toEqual({ ok: false, reason: 'unknown_key' });
    expect(server.jwksCalls).toBe(1);
    clock.advance(30_000);
    expect(await verifier.verify(forged)).toEqual({ ok: false, reason: 'unknown_key' });
    expect(server.jwksCalls).toBe(2);
  });

  it('uses only published signing keys it can pin to their algorithm', async () => {
    const ec = await generateSigningKey('ES256');
    const hs = await generateSigningKey('HS256');
    const privateJwk = { ...key.privateKey.export({ format: 'jwk' }), kid: 'private', alg: 'EdDSA' };
    const keys = parseJwks({
      keys: [
        key.publicJwk,
        { ...ec.publicJwk, kid: 'mislabelled', alg: 'EdDSA' },
        { kty: 'oct', k: hs.privateKey.export().toString('base64url'), kid: 'secret', alg: 'HS256' },
        privateJwk,
        { ...key.publicJwk, kid: 'encryption', use: 'enc' },
        { ...key.publicJwk, kid: 'x'.repeat(129) },
        'not a key',
      ],
    });
    expect([...keys!.keys()]).toEqual([key.kid]);
    expect(parseJwks({ keys: 'none' })).toBeUndefined();
    expect(parseJwks([])).toBeUndefined();
  });

  it('refuses an issuer that is not an http(s) URL and a leeway beyond 120 s', () => {
    expect(() => new RemoteVerifier({ issuer: 'auth.example.test' })).toThrow(TypeError);
    expect(() => new RemoteVerifier({ issuer: 'ftp://auth.example.test' })).toThrow(TypeError);
    expect(() => new RemoteVerifier({ issuer: ISSUER, clockLeewaySeconds: 121 })).toThrow(RangeError);
  });
});

describe('RemoteVerifier: session check (hybrid, strict)', () => {
  it('hybrid reuses a "yes" for 5 s per token, never a "no"', async () => {
    const { server, verifier, clock } = setUp({ mode: 'hybrid' });
    const accessToken = token();
    expect((await verifier.verify(accessToken)).ok).toBe(true);
    expect((await verifier.verify(accessToken)).ok).toBe(true);
    expect(server.sessionCalls).toBe(1);
    server.session = 401;
    clock.advance(5_000);
    expect(await verifier.verify(accessToken)).toEqual({ ok: false, reason: 'revoked' });
    expect(await verifier.verify(accessToken)).toEqual({ ok: false, reason: 'revoked' });
    expect(server.sessionCalls).toBe(3);
  });

  it('strict asks every time; an outage or a 5xx is unavailable, never a pass', async () => {
    const { server, verifier } = setUp({ mode: 'strict' });
    const accessToken = token();
    expect((await verifier.verify(accessToken)).ok).toBe(true);
    expect((await verifier.verify(accessToken)).ok).toBe(true);
    expect(server.sessionCalls).toBe(2);
    server.session = 503;
    expect(await verifier.verify(accessToken)).toEqual({ ok: false, reason: 'unavailable' });
    server.session = 'down';
    expect(await verifier.verify(accessToken)).toEqual({ ok: false, reason: 'unavailable' });
  });

  it('jwt mode never asks the server about the session', async () => {
    const { server, verifier } = setUp();
    expect((await verifier.verify(token())).ok).toBe(true);
    expect(server.sessionCalls).toBe(0);
  });
});
