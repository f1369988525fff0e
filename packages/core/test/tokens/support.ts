/**
 * Shared setup for the token tests: a real Keyring on in-memory PGlite, a config, a
 * sample subject, and a token crafter that signs with node:crypto on its own (not with
 * the code under test), so attack tokens do not depend on our signer being right.
 */
import { constants, createHmac, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createConfig } from '../../src/config/index.js';
import { SecretBox } from '../../src/crypto/secret-box.js';
import {
  Keyring,
  SigningKeyRepository,
  type SigningAlgorithm,
  type SigningKey,
} from '../../src/keys/index.js';
import type { AccessTokenSubject } from '../../src/tokens/index.js';
import type { ManualClock } from '../../src/util/clock.js';
import { openMemoryDatabase } from '../helpers/memory-database.js';

export const ISSUER = 'https://auth.example.test';
export const AUDIENCE = 'gatehouse';
export const TTL_SECONDS = 900;
export const LEEWAY_SECONDS = 5;

export function tokenConfig(options: { multiTenant?: boolean; issuer?: string; audience?: string } = {}) {
  return createConfig({
    tokens: {
      issuer: options.issuer ?? ISSUER,
      audience: options.audience ?? AUDIENCE,
      accessTokenTtlSeconds: TTL_SECONDS,
      clockLeewaySeconds: LEEWAY_SECONDS,
    },
    tenancy: { multiTenant: options.multiTenant ?? false },
  });
}

export interface TestKeyring {
  keyring: Keyring;
  /** The key created for each algorithm (earlier ones are retired but inside their grace). */
  keyFor(alg: SigningAlgorithm): SigningKey;
  /** Another instance's view of the same keys, with its own clock (e.g. after a grace ended). */
  keyringAt(clock: ManualClock): Promise<Keyring>;
  close(): Promise<void>;
}

/**
 * A Keyring on a fresh in-memory PGlite whose current key uses the last of `algorithms`.
 * Each earlier algorithm was current once and was rotated out (as an operator switching
 * `tokens.algorithm` would), so the ring holds keys of several algorithms at once.
 */
export async function openTestKeyring(
  algorithms: readonly [SigningAlgorithm, ...SigningAlgorithm[]],
  clock: ManualClock,
): Promise<TestKeyring> {
  const database = await openMemoryDatabase();
  await database.migrate();
  const repository = new SigningKeyRepository(database.db, new SecretBox(randomBytes(32), 'signing-keys'));
  const ringFor = (algorithm: SigningAlgorithm, at = clock) =>
    // Rotations here are setup, not the subject: no minimum age for the next key.
    new Keyring({ repository, algorithm, graceSeconds: TTL_SECONDS, nextKeyMinAgeSeconds: 0, clock: at });
  const keys = new Map<SigningAlgorithm, SigningKey>();
  let keyring = ringFor(algorithms[0]);
  await keyring.ensureKeys();
  keys.set(algorithms[0], keyring.current());
  for (const alg of algorithms.slice(1)) {
    keyring = ringFor(alg);
    await keyring.ensureKeys(); // replaces the prepared next key with one of `alg`
    await keyring.rotate();
    keys.set(alg, keyring.current());
  }
  return {
    keyring,
    keyFor(alg) {
      const key = keys.get(alg);
      if (!key) throw new Error(`No ${alg} key in this test keyring`);
      return key;
    },
    async keyringAt(at) {
      const view = ringFor(algorithms[algorithms.length - 1]!, at);
      await view.refresh();
      return view;
    },
    close: () => database.close(),
  };
}

export function sampleSubject(overrides: Partial<AccessTokenSubject> = {}): AccessTokenSubject {
  return {
    userId: 'usr_1',
    sessionId: 'ses_1',
    tenant: 'acme',
    authTime: Date.UTC(2026, 0, 1) / 1000 - 60,
    amr: ['pwd', 'otp'],
    roleVersion: 1,
    permissionVersion: 2,
    accountVersion: 3,
    roles: ['user'],
    perms: 'AQ',
    ...overrides,
  };
}

/** Valid claims for a single-tenant verifier at `nowSeconds`, for hand-crafted tokens. */
export function sampleClaims(nowSeconds: number, overrides: Record<string, unknown> = {}) {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'usr_1',
    sid: 'ses_1',
    iat: nowSeconds,
    exp: nowSeconds + TTL_SECONDS,
    jti: 'jti-1',
    auth_time: nowSeconds - 60,
    amr: ['pwd'],
    rv: 1,
    pv: 1,
    av: 1,
    roles: ['user'],
    perms: '',
    ...overrides,
  };
}

export const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

export type Signer = (input: Buffer) => Buffer;

type Part = object | string | Buffer;

/** `header.payload.signature` from parts; objects are JSON-encoded, strings and bytes used as they are. */
export function craftToken(header: Part, payload: Part, signer: Signer): string {
  const encode = (part: Part) =>
    b64url(typeof part === 'string' || Buffer.isBuffer(part) ? part : JSON.stringify(part));
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${signer(Buffer.from(input)).toString('base64url')}`;
}

/** A correct JWS signer for `alg` written against node:crypto directly (independent of src/). */
export function signerFor(alg: SigningAlgorithm, privateKey: KeyObject): Signer {
  switch (alg) {
    case 'EdDSA':
      return (input) => sign(null, input, privateKey);
    case 'ES256':
      return (input) => sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    case 'RS256':
      return (input) => sign('sha256', input, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
    case 'HS256':
      return hmacSigner(privateKey);
  }
}

export const hmacSigner =
  (secret: KeyObject | Buffer): Signer =>
  (input) =>
    createHmac('sha256', secret).update(input).digest();

/** A header like ours, signed by `key`, for tokens that differ from ours in one place. */
export function headerFor(key: SigningKey, overrides: Record<string, unknown> = {}) {
  return { alg: key.alg, typ: 'at+jwt', kid: key.kid, ...overrides };
}
