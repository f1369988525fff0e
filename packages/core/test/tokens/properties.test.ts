import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTH_METHODS,
  AccessTokenIssuer,
  AccessTokenVerifier,
  decodeRefreshToken,
  encodeRefreshToken,
  type AccessTokenSubject,
} from '../../src/tokens/index.js';
import { ManualClock } from '../../src/util/clock.js';
import {
  craftToken,
  openTestKeyring,
  sampleSubject,
  signerFor,
  tokenConfig,
  type TestKeyring,
} from './support.js';

const clock = new ManualClock();
const nowSeconds = Math.floor(clock.now() / 1000);
let keys: TestKeyring;

beforeAll(async () => {
  keys = await openTestKeyring(['ES256', 'EdDSA'], clock); // EdDSA current, ES256 in grace
});
afterAll(() => keys.close());

const verifierFor = (multiTenant: boolean) =>
  new AccessTokenVerifier({ keyring: keys.keyring, config: tokenConfig({ multiTenant }), clock });

/** Any UTF-16 code unit, lone surrogates included (JSON escapes them, so they must survive). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const someText = (maxLength: number) =>
  fc.oneof(fc.string({ unit: 'binary', maxLength }), fc.string({ unit: codeUnit, maxLength }));
const nonEmptyText = (maxLength: number) => someText(maxLength).filter((text) => text.length > 0);

const subjects: fc.Arbitrary<AccessTokenSubject> = fc.record({
  userId: nonEmptyText(64),
  sessionId: nonEmptyText(64),
  tenant: nonEmptyText(63),
  authTime: fc.integer({ min: 0, max: nowSeconds }),
  amr: fc.array(fc.constantFrom(...AUTH_METHODS), { maxLength: 4 }),
  roleVersion: fc.maxSafeNat(),
  permissionVersion: fc.maxSafeNat(),
  accountVersion: fc.maxSafeNat(),
  roles: fc.array(someText(24), { maxLength: 8 }),
  perms: fc.option(fc.base64String({ maxLength: 40 }), { nil: undefined }),
});

describe('access tokens', () => {
  it.each(['EdDSA', 'ES256'] as const)(
    '%s: issue → verify returns exactly the issued claims, for any valid subject',
    (alg) => {
      const verifiers = { single: verifierFor(false), multi: verifierFor(true) };
      fc.assert(
        fc.property(subjects, fc.boolean(), (subject, multiTenant) => {
          const config = tokenConfig({ multiTenant });
          const issuer = new AccessTokenIssuer({
            keyring: { current: () => keys.keyFor(alg) },
            config,
            clock,
          });
          const issued = issuer.issue(subject);
          const result = (multiTenant ? verifiers.multi : verifiers.single).verify(issued.token);
          expect(result).toEqual({ ok: true, claims: issued.claims });
          expect(issued.claims).toMatchObject({
            sub: subject.userId,
            roles: subject.roles,
            rv: subject.roleVersion,
          });
        }),
        { numRuns: 250 },
      );
    },
  );

  it('never throws, and never accepts, for arbitrary strings and bytes', () => {
    const verifier = verifierFor(false);
    const bytes = fc.uint8Array({ maxLength: 600 }).map((array) => Buffer.from(array));
    const inputs = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: codeUnit, maxLength: 300 }),
      fc.string({ maxLength: 9_000 }),
      bytes.map((buffer) => buffer.toString('latin1')),
      fc
        .array(
          bytes.map((buffer) => buffer.toString('base64url')),
          { minLength: 1, maxLength: 5 },
        )
        .map((parts) => parts.join('.')),
    );
    fc.assert(
      fc.property(inputs, (input) => {
        expect(verifier.verify(input).ok).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws for arbitrary JSON headers and claims, signed or not', () => {
    const verifier = verifierFor(false);
    const key = keys.keyFor('EdDSA');
    const headers = fc.record(
      {
        alg: fc.oneof(fc.constantFrom('EdDSA', 'ES256', 'RS256', 'HS256', 'none', 'NONE'), fc.jsonValue()),
        typ: fc.oneof(fc.constantFrom('at+jwt', 'application/at+jwt', 'JWT'), fc.jsonValue()),
        kid: fc.oneof(fc.constant(key.kid), fc.jsonValue()),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    const signers = fc.constantFrom(signerFor('EdDSA', key.privateKey), () => Buffer.alloc(64));
    fc.assert(
      fc.property(headers, fc.jsonValue(), signers, (header, payload, signer) => {
        const token = craftToken(header, JSON.stringify(payload), signer);
        expect(() => verifier.verify(token)).not.toThrow();
      }),
      { numRuns: 1_000 },
    );
  });

  it('rejects every single-character change to a valid token', () => {
    const verifier = verifierFor(false);
    const issuer = new AccessTokenIssuer({ keyring: keys.keyring, config: tokenConfig(), clock });
    const { token } = issuer.issue(sampleSubject());
    const replacement = fc.constantFrom(
      ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ',
    );
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), replacement, (index, char) => {
        const changed = token.slice(0, index) + char + token.slice(index + 1);
        fc.pre(changed !== token);
        expect(verifier.verify(changed).ok).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('refresh tokens', () => {
  const parts = fc.record({
    tenant: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/),
    userId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    sessionId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    secret: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  });

  it('decodeRefreshToken(encodeRefreshToken(x)) equals x for any valid parts', () => {
    fc.assert(
      fc.property(parts, (x) => {
        expect(decodeRefreshToken(encodeRefreshToken(x))).toEqual(x);
      }),
    );
  });

  it('decodeRefreshToken never throws; anything it does not reject is a token it would encode identically', () => {
    const mutated = fc
      .tuple(parts, fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))
      .map(([x, at, char]) => {
        const token = encodeRefreshToken(x);
        const index = at % token.length;
        return token.slice(0, index) + char + token.slice(index + 1);
      });
    const inputs = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: codeUnit }),
      fc.anything(),
      mutated,
    );
    fc.assert(
      fc.property(inputs, (input) => {
        const decoded = decodeRefreshToken(input);
        if (decoded !== null) expect(encodeRefreshToken(decoded)).toBe(input);
      }),
      { numRuns: 2_000 },
    );
  });

  it('returns null for arbitrary strings that are not rt1 tokens', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (input) => {
        fc.pre(!input.startsWith('rt1.'));
        expect(decodeRefreshToken(input)).toBeNull();
      }),
    );
  });
});

it('sanity: the arbitrary subjects include non-BMP, lone-surrogate and huge-version cases', () => {
  const sample = fc.sample(subjects, { numRuns: 500, seed: 42 });
  expect(sample.some((s) => s.roles.some((role) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(role)))).toBe(
    true,
  );
  expect(sample.some((s) => [...s.userId].some((ch) => ch.codePointAt(0)! > 0xffff))).toBe(true);
  expect(sample.some((s) => s.roleVersion > 2 ** 40)).toBe(true);
});
