/**
 * Attacks on the token's structure, header and signature. Each crafted token differs
 * from a valid one (signed with our real key) in exactly one respect, so a verifier
 * that skipped that one check would accept it and the test would fail.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigningAlgorithm } from '../../src/keys/index.js';
import {
  AccessTokenIssuer,
  AccessTokenVerifier,
  encodeRefreshToken,
  newRefreshSecret,
  type TokenRejection,
} from '../../src/tokens/index.js';
import { ManualClock } from '../../src/util/clock.js';
import {
  b64url,
  craftToken,
  headerFor,
  hmacSigner,
  openTestKeyring,
  sampleClaims,
  sampleSubject,
  signerFor,
  tokenConfig,
  type TestKeyring,
} from './support.js';

const clock = new ManualClock();
let keys: TestKeyring;
let verifier: AccessTokenVerifier;

beforeAll(async () => {
  keys = await openTestKeyring(['EdDSA', 'ES256', 'RS256'], clock); // RS256 current, the others in grace
  verifier = new AccessTokenVerifier({ keyring: keys.keyring, config: tokenConfig(), clock });
});
afterAll(() => keys.close());

const now = () => Math.floor(clock.now() / 1000);
const claims = () => sampleClaims(now());

/** A valid token by our `alg` key, with header members replaced by `header`. */
function ours(alg: SigningAlgorithm = 'EdDSA', header: Record<string, unknown> = {}): string {
  const key = keys.keyFor(alg);
  return craftToken(headerFor(key, header), claims(), signerFor(alg, key.privateKey));
}

function expectRejected(token: unknown, reason: TokenRejection): void {
  let result: unknown;
  expect(() => (result = verifier.verify(token as string))).not.toThrow();
  expect(result).toEqual({ ok: false, reason });
}

it('accepts the unmodified baseline tokens (so every rejection below is about one change)', () => {
  for (const alg of ['EdDSA', 'ES256', 'RS256'] as const) {
    expect(verifier.verify(ours(alg))).toMatchObject({ ok: true });
  }
});

describe('algorithm', () => {
  it.each(['none', 'NONE', 'nOnE'])('refuses alg %s with an empty or a non-empty signature', (alg) => {
    const unsigned = `${b64url(JSON.stringify(headerFor(keys.keyFor('EdDSA'), { alg })))}.${b64url(JSON.stringify(claims()))}`;
    expectRejected(`${unsigned}.`, 'unsupported_algorithm');
    expectRejected(`${unsigned}.${randomBytes(64).toString('base64url')}`, 'unsupported_algorithm');
  });

  describe.each(['EdDSA', 'ES256', 'RS256'] as const)('HS256 keyed with the %s public key', (alg) => {
    const forms = () => {
      const key = keys.keyFor(alg);
      const jwk = key.publicJwk!;
      return {
        PEM: Buffer.from(key.verifyKey.export({ format: 'pem', type: 'spki' })),
        DER: key.verifyKey.export({ format: 'der', type: 'spki' }),
        'JWK JSON': Buffer.from(JSON.stringify(jwk)),
        raw: Buffer.from(String(alg === 'RS256' ? jwk.n : jwk.x), 'base64url'),
      };
    };
    it.each(['PEM', 'DER', 'JWK JSON', 'raw'] as const)('refuses the confusion with its %s bytes', (form) => {
      const key = keys.keyFor(alg);
      const secret = forms()[form];
      expectRejected(
        craftToken(headerFor(key, { alg: 'HS256' }), claims(), hmacSigner(secret)),
        'unsupported_algorithm',
      );
      expectRejected(
        craftToken(headerFor(key, { alg: 'HS256', kid: undefined }), claims(), hmacSigner(secret)),
        'unknown_key',
      );
    });
  });

  it('refuses a header alg other than the one the named key is pinned to', () => {
    const es = keys.keyFor('ES256');
    const rs = keys.keyFor('RS256');
    const rsByEsKid = craftToken(
      headerFor(es, { alg: 'RS256' }),
      claims(),
      signerFor('RS256', rs.privateKey),
    );
    const esByRsKid = craftToken(
      headerFor(rs, { alg: 'ES256' }),
      claims(),
      signerFor('ES256', es.privateKey),
    );
    expectRejected(rsByEsKid, 'unsupported_algorithm');
    expectRejected(esByRsKid, 'unsupported_algorithm');
  });

  it.each(['PS256', 'HS512', 'ES512', 'Ed25519', 'eddsa', 'A128GCM', ''])('refuses alg %j', (alg) => {
    expectRejected(ours('EdDSA', { alg }), 'unsupported_algorithm');
  });
});

describe('header-supplied keys', () => {
  it('refuses an embedded jwk, even with a valid signature by that key', () => {
    const attacker = generateKeyPairSync('ed25519');
    const jwk = attacker.publicKey.export({ format: 'jwk' });
    const bySelf = (input: Buffer) => sign(null, input, attacker.privateKey);
    const key = keys.keyFor('EdDSA');
    expectRejected(craftToken(headerFor(key, { jwk }), claims(), bySelf), 'malformed');
    expectRejected(craftToken(headerFor(key, { jwk, kid: undefined }), claims(), bySelf), 'malformed');
  });

  it.each([
    ['jku', 'https://evil.example/jwks.json'],
    ['x5u', 'https://evil.example/cert.pem'],
    ['x5c', ['MIIBszCCAVmgAwIBAgIU']],
    ['crit', ['exp']],
    ['jwk', { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }],
  ])('refuses a %s header even on a token our key signed', (name, value) => {
    expectRejected(ours('EdDSA', { [name]: value }), 'malformed');
  });
});

describe('kid', () => {
  it.each(['../../etc/passwd', "' OR 1=1 --", 'k'.repeat(129), '', '__proto__', 'constructor'])(
    'treats kid %j as an unknown key (a map lookup, nothing else)',
    (kid) => expectRejected(ours('EdDSA', { kid }), 'unknown_key'),
  );

  it('hands the kid to the key lookup exactly as given, and never one over 128 characters', () => {
    const asked: string[] = [];
    const find = (kid: string) => (asked.push(kid), keys.keyring.find(kid));
    const spied = new AccessTokenVerifier({ keyring: { find }, config: tokenConfig(), clock });
    spied.verify(ours('EdDSA', { kid: '../../etc/passwd' }));
    spied.verify(ours('EdDSA', { kid: 'k'.repeat(129) }));
    expect(asked).toEqual(['../../etc/passwd']);
  });

  it('answers too_large for a 10 KB kid before looking at it', () => {
    expectRejected(ours('EdDSA', { kid: 'k'.repeat(10 * 1024) }), 'too_large');
  });

  it.each([123, null, true, {}, ['kid']])('refuses a non-string kid %j', (kid) => {
    expectRejected(ours('EdDSA', { kid }), 'malformed');
  });

  it('refuses a token without kid', () => expectRejected(ours('EdDSA', { kid: undefined }), 'unknown_key'));
});

describe('typ', () => {
  it.each(['JWT', 'jwt', 'application/jwt', 'at+jwt; charset=utf-8', 'xat+jwt', 123, undefined])(
    'refuses typ %j',
    (typ) => expectRejected(ours('EdDSA', { typ }), 'wrong_type'),
  );

  it.each(['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/AT+JWT'])('accepts typ %j', (typ) => {
    expect(verifier.verify(ours('EdDSA', { typ }))).toMatchObject({ ok: true });
  });
});

describe('signature and structure', () => {
  it('refuses a tampered payload or header under the original signature', () => {
    const [header, , signature] = ours().split('.');
    const escalated = b64url(JSON.stringify(sampleClaims(now(), { roles: ['admin'] })));
    expectRejected(`${header}.${escalated}.${signature}`, 'bad_signature');
    const otherHeader = b64url(
      JSON.stringify({ ...headerFor(keys.keyFor('EdDSA')), typ: 'application/at+jwt' }),
    );
    expectRejected(`${otherHeader}.${ours().split('.')[1]}.${signature}`, 'bad_signature');
  });

  it('refuses a signature re-spelt with non-zero spare bits (decodes to the same bytes)', () => {
    const token = ours();
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelt = token.slice(0, -1) + alphabet[alphabet.indexOf(last) | 1];
    expect(Buffer.from(respelt.split('.')[2]!, 'base64url')).toEqual(
      Buffer.from(token.split('.')[2]!, 'base64url'),
    );
    expectRejected(respelt, 'malformed');
    expectRejected(`${token}=`, 'malformed');
  });

  it('refuses an ES256 signature in DER instead of IEEE P1363', () => {
    const key = keys.keyFor('ES256');
    const der = (input: Buffer) => sign('sha256', input, { key: key.privateKey, dsaEncoding: 'der' });
    expectRejected(craftToken(headerFor(key), claims(), der), 'bad_signature');
  });

  it('refuses every truncation of a valid token', () => {
    const token = ours('ES256');
    for (let length = 0; length < token.length; length++) {
      const result = verifier.verify(token.slice(0, length));
      expect(result.ok).toBe(false);
      expect(['malformed', 'bad_signature']).toContain(!result.ok && result.reason);
    }
  });

  it.each([
    ['a trailing dot', (t: string) => `${t}.`],
    ['a fourth segment', (t: string) => `${t}.e30`],
    ['a leading segment', (t: string) => `e30.${t}`],
    ['five segments (JWE-shaped)', (t: string) => `${t}.e30.e30`],
    [
      'the JSON serialization',
      (t: string) =>
        JSON.stringify({ protected: t.split('.')[0], payload: t.split('.')[1], signature: t.split('.')[2] }),
    ],
    ['whitespace around it', (t: string) => ` ${t} `],
  ])('refuses %s', (_name, change) => expectRejected(change(ours()), 'malformed'));

  it.each([
    ['an array', '[]'],
    ['a string', '"EdDSA"'],
    ['not JSON', '{alg:EdDSA}'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d])],
  ])('refuses a header that is %s', (_name, header) => {
    expectRejected(`${b64url(header)}.${b64url(JSON.stringify(claims()))}.AAAA`, 'malformed');
  });

  it('refuses a header with invalid UTF-8 inside a string, even when our key signed it', () => {
    const key = keys.keyFor('EdDSA');
    const json = JSON.stringify(headerFor(key, { note: 'X' }));
    const header = Buffer.from(json, 'latin1');
    header[json.indexOf('X')] = 0xff; // a lenient decoder would read U+FFFD and carry on
    expectRejected(craftToken(header, claims(), signerFor('EdDSA', key.privateKey)), 'malformed');
  });

  it.each([undefined, null, 42, {}, ['a.b.c']])('refuses a non-string input %j', (input) => {
    expectRejected(input, 'malformed');
  });

  it('refuses a refresh token given as a bearer', () => {
    const refresh = encodeRefreshToken({
      tenant: 'acme',
      userId: 'usr_1',
      sessionId: 'ses_1',
      secret: newRefreshSecret(),
    });
    expectRejected(refresh, 'malformed');
  });

  it('refuses tokens over 8 KiB before parsing, and accepts one just under', () => {
    const key = keys.keyFor('EdDSA');
    const withRole = (length: number) =>
      craftToken(
        headerFor(key),
        sampleClaims(now(), { roles: ['r'.repeat(length)] }),
        signerFor('EdDSA', key.privateKey),
      );
    let length = 5_500;
    let largestAccepted = '';
    let token = withRole(length);
    while (token.length <= 8192) {
      largestAccepted = token;
      token = withRole(++length);
    }
    expect(largestAccepted.length).toBeGreaterThan(8188);
    expect(verifier.verify(largestAccepted)).toMatchObject({ ok: true });
    expectRejected(token, 'too_large');
    expectRejected('a'.repeat(1_000_000), 'too_large');
  });

  it('has the issuer refuse to sign a token over the limit (it would never verify)', () => {
    const issuer = new AccessTokenIssuer({ keyring: keys.keyring, config: tokenConfig(), clock });
    expect(() => issuer.issue(sampleSubject({ roles: ['r'.repeat(7_000)] }))).toThrow(
      /over the verifiers' limit/,
    );
  });
});
