/**
 * Tokens with a valid signature by our key whose claims are wrong: time, issuer,
 * audience, tenancy, shape. Plus keys that have left the keyring.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokenIssuer, AccessTokenVerifier, type TokenRejection } from '../../src/tokens/index.js';
import { ManualClock } from '../../src/util/clock.js';
import {
  AUDIENCE,
  ISSUER,
  LEEWAY_SECONDS,
  TTL_SECONDS,
  craftToken,
  headerFor,
  openTestKeyring,
  sampleClaims,
  sampleSubject,
  signerFor,
  tokenConfig,
  type TestKeyring,
} from './support.js';

const START = Date.UTC(2026, 0, 1); // whole seconds
const clock = new ManualClock(START);
let keys: TestKeyring;

beforeAll(async () => {
  keys = await openTestKeyring(['EdDSA', 'HS256'], clock); // EdDSA retired at START, grace TTL_SECONDS
});
afterAll(() => keys.close());

const nowSeconds = START / 1000;
const verifierAt = (at: ManualClock, multiTenant = false) =>
  new AccessTokenVerifier({ keyring: keys.keyring, config: tokenConfig({ multiTenant }), clock: at });
const verifier = () => verifierAt(clock);

/** Our EdDSA key signs `payload` (an object, or raw text). */
function signed(payload: object | string): string {
  const key = keys.keyFor('EdDSA');
  return craftToken(headerFor(key), payload, signerFor('EdDSA', key.privateKey));
}
const withClaims = (overrides: Record<string, unknown>) => signed(sampleClaims(nowSeconds, overrides));

function expectRejected(token: string, reason: TokenRejection, by = verifier()): void {
  let result: unknown;
  expect(() => (result = by.verify(token))).not.toThrow();
  expect(result).toEqual({ ok: false, reason });
}
const expectAccepted = (token: string, by = verifier()) =>
  expect(by.verify(token)).toMatchObject({ ok: true });

describe('time (leeway 5 s)', () => {
  const at = (offsetSeconds: number) => new ManualClock(START + offsetSeconds * 1000);
  const token = () => withClaims({}); // iat = START, exp = START + TTL

  it('accepts a token until exp + leeway, and refuses it from then on', () => {
    expectAccepted(token(), verifierAt(at(TTL_SECONDS + LEEWAY_SECONDS - 0.001)));
    expectRejected(token(), 'expired', verifierAt(at(TTL_SECONDS + LEEWAY_SECONDS)));
    expectRejected(token(), 'expired', verifierAt(at(10 * TTL_SECONDS)));
  });

  it('refuses nbf beyond the leeway and accepts it just inside', () => {
    expectAccepted(withClaims({ nbf: nowSeconds + LEEWAY_SECONDS }));
    expectRejected(withClaims({ nbf: nowSeconds + LEEWAY_SECONDS + 1 }), 'not_yet_valid');
  });

  it('refuses iat beyond the leeway and accepts it just inside', () => {
    expectAccepted(withClaims({ iat: nowSeconds + LEEWAY_SECONDS }));
    expectRejected(withClaims({ iat: nowSeconds + LEEWAY_SECONDS + 1 }), 'not_yet_valid');
  });

  it('refuses tokens our own issuer made on a clock running ahead', () => {
    const ahead = (seconds: number) =>
      new AccessTokenIssuer({ keyring: keys.keyring, config: tokenConfig(), clock: at(seconds) }).issue(
        sampleSubject(),
      );
    expectAccepted(ahead(LEEWAY_SECONDS).token);
    expectRejected(ahead(LEEWAY_SECONDS + 1).token, 'not_yet_valid');
  });
});

describe('issuer and audience', () => {
  it.each([['https://evil.example'], [`${ISSUER}/`], [ISSUER.toUpperCase()], [undefined], [[ISSUER]]])(
    'refuses iss %j',
    (iss) => expectRejected(withClaims({ iss }), 'wrong_issuer'),
  );

  it('refuses tokens of a Gatehouse with another issuer or audience', () => {
    const other = (options: { issuer?: string; audience?: string }) =>
      new AccessTokenIssuer({ keyring: keys.keyring, config: tokenConfig(options), clock }).issue(
        sampleSubject(),
      ).token;
    expectRejected(other({ issuer: 'https://other.example' }), 'wrong_issuer');
    expectRejected(other({ audience: 'billing' }), 'wrong_audience');
  });

  it.each([['other'], [['other']], [[]], [undefined], [`${AUDIENCE} `], [{ aud: AUDIENCE }]])(
    'refuses aud %j',
    (aud) => expectRejected(withClaims({ aud }), 'wrong_audience'),
  );

  it('accepts an audience array containing ours and reports our audience', () => {
    const result = verifier().verify(withClaims({ aud: ['billing', AUDIENCE] }));
    expect(result).toMatchObject({ ok: true, claims: { aud: AUDIENCE } });
  });
});

describe('claim shapes', () => {
  it.each([
    ['sub', ''],
    ['sub', 42],
    ['sid', undefined],
    ['jti', null],
    ['exp', '1767226500'],
    ['iat', undefined],
    ['nbf', 'soon'],
    ['auth_time', 'yesterday'],
    ['amr', 'pwd'],
    ['amr', ['password']],
    ['rv', 1.5],
    ['pv', -1],
    ['av', '3'],
    ['av', 2 ** 53],
    ['roles', 'admin'],
    ['roles', [1]],
    ['perms', undefined],
    ['perms', 7],
  ])('refuses %s = %j', (claim, value) => {
    expectRejected(withClaims({ [claim]: value }), 'invalid_claims');
  });

  it('requires tid exactly when multi-tenant', () => {
    const multi = verifierAt(clock, true);
    expectRejected(withClaims({ tid: 'acme' }), 'invalid_claims');
    expectRejected(withClaims({}), 'invalid_claims', multi);
    expectRejected(withClaims({ tid: 7 }), 'invalid_claims', multi);
    expectRejected(withClaims({ tid: '' }), 'invalid_claims', multi);
    expect(multi.verify(withClaims({ tid: 'acme' }))).toMatchObject({ ok: true, claims: { tid: 'acme' } });
  });

  it('refuses a payload that is not a JSON object', () => {
    expectRejected(signed('not json'), 'malformed');
    expectRejected(signed(''), 'malformed');
    expectRejected(signed('[]'), 'invalid_claims');
    expectRejected(signed('null'), 'invalid_claims');
  });

  it('returns exactly the AccessTokenClaims members, dropping unknown claims', () => {
    const result = verifier().verify(withClaims({ admin: true, nbf: nowSeconds }));
    expect(result).toEqual({ ok: true, claims: sampleClaims(nowSeconds) });
  });
});

describe('keys that are gone', () => {
  it('refuses a token of a retired key once its grace has ended (unknown_key, not just expired)', async () => {
    const token = withClaims({}); // by the EdDSA key, retired at START
    const inGrace = new ManualClock(START + (TTL_SECONDS - 1) * 1000);
    expectAccepted(token, verifierAt(inGrace));
    const afterGrace = new ManualClock(START + (TTL_SECONDS + 1) * 1000);
    const laterInstance = await keys.keyringAt(afterGrace); // another instance, keys re-read
    const laterVerifier = new AccessTokenVerifier({
      keyring: laterInstance,
      config: tokenConfig(),
      clock: afterGrace,
    });
    expectRejected(token, 'unknown_key', laterVerifier);
  });
});

describe('configuration', () => {
  it('refuses a clock leeway the config would never allow', () => {
    const config = { ...tokenConfig(), tokens: { ...tokenConfig().tokens, clockLeewaySeconds: 121 } };
    expect(() => new AccessTokenVerifier({ keyring: keys.keyring, config })).toThrow(RangeError);
  });
});
