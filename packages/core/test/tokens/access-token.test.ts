import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import type { SigningAlgorithm } from '../../src/keys/index.js';
import { AccessTokenIssuer, AccessTokenVerifier } from '../../src/tokens/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { systemRandom } from '../../src/util/random.js';
import {
  AUDIENCE,
  ISSUER,
  TTL_SECONDS,
  openTestKeyring,
  sampleClaims,
  sampleSubject,
  tokenConfig,
  type TestKeyring,
} from './support.js';

const ALGORITHMS = ['EdDSA', 'ES256', 'RS256', 'HS256'] as const;
const clock = new ManualClock();
let keys: TestKeyring;

// One Keyring that went through all four algorithms (HS256 is current; the others are
// retired but inside their grace), so one verifier holds keys of every kind at once.
beforeAll(async () => {
  keys = await openTestKeyring(ALGORITHMS, clock);
});
afterAll(() => keys.close());

/** An issuer signing with the `alg` key, and a verifier with the whole keyring. */
function pair(alg: SigningAlgorithm, multiTenant = false) {
  const config = tokenConfig({ multiTenant });
  return {
    issuer: new AccessTokenIssuer({ keyring: { current: () => keys.keyFor(alg) }, config, clock }),
    verifier: new AccessTokenVerifier({ keyring: keys.keyring, config, clock }),
  };
}

describe.each(ALGORITHMS)('%s access tokens', (alg) => {
  it('round-trips: the header and claims of API.md, verified by our verifier', () => {
    const { issuer, verifier } = pair(alg);
    const issued = issuer.issue(sampleSubject());
    const key = keys.keyFor(alg);
    expect(decodeProtectedHeader(issued.token)).toEqual({ alg, typ: 'at+jwt', kid: key.kid });
    const now = Math.floor(clock.now() / 1000);
    expect(issued.claims).toEqual({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'usr_1',
      sid: 'ses_1',
      iat: now,
      exp: now + TTL_SECONDS,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), // 128 bits
      auth_time: sampleSubject().authTime,
      amr: ['pwd', 'otp'],
      rv: 1,
      pv: 2,
      av: 3,
      roles: ['user'],
      perms: 'AQ',
    });
    expect(issued.expiresIn).toBe(TTL_SECONDS);
    expect(verifier.verify(issued.token)).toEqual({ ok: true, claims: issued.claims });
  });

  it('is verified by jose (jwtVerify with typ at+jwt, through the JWKS for public keys)', async () => {
    const { issuer } = pair(alg);
    const { token, claims } = issuer.issue(sampleSubject());
    const options = {
      typ: 'at+jwt',
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [alg],
      currentDate: new Date(clock.now()),
    };
    const { payload, protectedHeader } =
      alg === 'HS256'
        ? await jwtVerify(token, keys.keyFor(alg).verifyKey, options) // symmetric keys are never published
        : await jwtVerify(token, createLocalJWKSet(keys.keyring.jwks() as unknown as JSONWebKeySet), options);
    expect(payload).toEqual(claims);
    expect(protectedHeader.typ).toBe('at+jwt');
  });

  it('verifies tokens jose signs with our key', async () => {
    const key = keys.keyFor(alg);
    const now = Math.floor(clock.now() / 1000);
    const claims = sampleClaims(now);
    for (const typ of ['at+jwt', 'application/at+jwt']) {
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg, typ, kid: key.kid })
        .sign(key.privateKey);
      expect(pair(alg).verifier.verify(token)).toEqual({ ok: true, claims });
    }
  });
});

describe('tenancy', () => {
  it('puts tid in the token only when multi-tenancy is on, and each verifier insists on its mode', () => {
    const multi = pair('EdDSA', true);
    const single = pair('EdDSA', false);
    const tenantToken = multi.issuer.issue(sampleSubject({ tenant: 'globex' }));
    expect(tenantToken.claims.tid).toBe('globex');
    expect(multi.verifier.verify(tenantToken.token)).toEqual({ ok: true, claims: tenantToken.claims });

    const plainToken = single.issuer.issue(sampleSubject({ tenant: 'globex' }));
    expect(plainToken.claims).not.toHaveProperty('tid');
    expect(single.verifier.verify(plainToken.token)).toMatchObject({ ok: true });

    expect(single.verifier.verify(tenantToken.token)).toEqual({ ok: false, reason: 'invalid_claims' });
    expect(multi.verifier.verify(plainToken.token)).toEqual({ ok: false, reason: 'invalid_claims' });
  });
});

describe('issuer', () => {
  it('takes jti from the injected random source and iat/exp from the injected clock', () => {
    const bytes = Buffer.alloc(16, 0xab);
    const frozen = new ManualClock(Date.UTC(2030, 5, 1, 12, 0, 0, 999));
    const issuer = new AccessTokenIssuer({
      keyring: { current: () => keys.keyFor('EdDSA') },
      config: tokenConfig(),
      clock: frozen,
      random: { ...systemRandom, bytes: (length) => bytes.subarray(0, length) },
    });
    const { claims } = issuer.issue(sampleSubject());
    expect(claims.jti).toBe(bytes.toString('base64url'));
    expect(claims.iat).toBe(Date.UTC(2030, 5, 1, 12) / 1000); // whole seconds, rounded down
    expect(claims.exp).toBe(claims.iat + TTL_SECONDS);
  });

  it('gives every token its own jti by default', () => {
    const { issuer } = pair('EdDSA');
    const jtis = new Set(Array.from({ length: 200 }, () => issuer.issue(sampleSubject()).claims.jti));
    expect(jtis.size).toBe(200);
  });

  it.each([
    ['an empty userId', { userId: '' }],
    ['an empty sessionId', { sessionId: '' }],
    ['a negative role version', { roleVersion: -1 }],
    ['a fractional account version', { accountVersion: 1.5 }],
    ['an unknown amr value', { amr: ['password'] }],
    ['a non-string role', { roles: [42] }],
  ])('refuses to sign %s (it would never verify)', (_name, overrides) => {
    const { issuer } = pair('EdDSA');
    expect(() => issuer.issue(sampleSubject(overrides as never))).toThrow(TypeError);
  });

  it('refuses an empty tenant when multi-tenant', () => {
    expect(() => pair('EdDSA', true).issuer.issue(sampleSubject({ tenant: '' }))).toThrow(/tenant/);
  });

  it('signs with whatever key is current: after a rotation the new one, while older tokens keep verifying', async () => {
    const { keyring } = keys;
    const config = tokenConfig();
    const issuer = new AccessTokenIssuer({ keyring, config, clock });
    const verifier = new AccessTokenVerifier({ keyring, config, clock });
    const before = issuer.issue(sampleSubject());
    const oldKid = keyring.current().kid;
    expect(decodeProtectedHeader(before.token)).toMatchObject({ alg: 'HS256', kid: oldKid });
    await keyring.rotate();
    const after = issuer.issue(sampleSubject());
    expect(decodeProtectedHeader(after.token).kid).toBe(keyring.current().kid);
    expect(keyring.current().kid).not.toBe(oldKid);
    expect(verifier.verify(before.token)).toMatchObject({ ok: true });
    expect(verifier.verify(after.token)).toMatchObject({ ok: true });
  });
});
