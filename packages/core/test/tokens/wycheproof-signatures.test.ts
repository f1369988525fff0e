/**
 * Wycheproof's raw signature vectors for the primitives under our JWS algorithms,
 * through verifyJwsSignature (+ keyFitsAlgorithm), the functions checkJwsSignature
 * calls. The JWS vectors have no EdDSA case and few ES256 edge cases; these cover
 * Ed25519 malleability and non-canonical encodings, ECDSA r/s range and size checks,
 * and HMAC tag handling.
 */
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SigningAlgorithm } from '../../src/keys/index.js';
import { keyFitsAlgorithm, verifyJwsSignature } from '../../src/tokens/index.js';

interface SignatureCase {
  tcId: number;
  msg: string;
  sig?: string;
  tag?: string;
  key?: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface SignatureGroup {
  publicKeyDer?: string;
  keySize?: number;
  tagSize?: number;
  tests: SignatureCase[];
}
interface SignatureFile {
  numberOfTests: number;
  testGroups: SignatureGroup[];
}

const load = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/wycheproof/${name}`, import.meta.url), 'utf8'),
  ) as SignatureFile;

const hex = (value: string | undefined) => Buffer.from(value ?? '', 'hex');
const spki = (group: SignatureGroup) =>
  createPublicKey({ key: hex(group.publicKeyDer), format: 'der', type: 'spki' });

/** What our code decides for one case: the key must fit the algorithm, then the signature must hold. */
function accepts(alg: SigningAlgorithm, key: KeyObject, test: SignatureCase): boolean {
  return keyFitsAlgorithm(alg, key) && verifyJwsSignature(alg, key, hex(test.msg), hex(test.sig ?? test.tag));
}

/**
 * Runs every case and lists the ones whose outcome differs from `expected` (by default
 * the label; 'acceptable' matches either outcome), so a failure names the tcIds.
 */
function mismatches(
  file: SignatureFile,
  alg: SigningAlgorithm,
  keyOf: (group: SignatureGroup, test: SignatureCase) => KeyObject,
  expected: (group: SignatureGroup, test: SignatureCase) => boolean | 'either' = (_g, test) =>
    test.result === 'acceptable' ? 'either' : test.result === 'valid',
): { ran: number; wrong: string[] } {
  let ran = 0;
  const wrong: string[] = [];
  for (const group of file.testGroups) {
    for (const test of group.tests) {
      ran++;
      const want = expected(group, test);
      const got = accepts(alg, keyOf(group, test), test);
      if (want !== 'either' && got !== want) wrong.push(`tcId ${test.tcId} (${test.result}): got ${got}`);
    }
  }
  return { ran, wrong };
}

describe('Wycheproof signature primitives', () => {
  const ed25519 = load('ed25519_test.json');
  it(`Ed25519 (EdDSA): all ${ed25519.numberOfTests} cases`, () => {
    const { ran, wrong } = mismatches(ed25519, 'EdDSA', spki);
    expect(ran).toBe(ed25519.numberOfTests);
    expect(wrong).toEqual([]);
  });

  const ecdsa = load('ecdsa_secp256r1_sha256_p1363_test.json');
  it(`ECDSA P-256 SHA-256 in IEEE P1363 form (ES256): all ${ecdsa.numberOfTests} cases`, () => {
    const { ran, wrong } = mismatches(ecdsa, 'ES256', spki);
    expect(ran).toBe(ecdsa.numberOfTests);
    expect(wrong).toEqual([]);
  });

  const hmac = load('hmac_sha256_test.json');
  it(`HMAC-SHA-256 (HS256): all ${hmac.numberOfTests} cases; short keys and truncated tags never verify`, () => {
    // HS256 is the full 256-bit tag under a key of at least 256 bits (RFC 7518 §3.2):
    // the 128-bit-key and 128-bit-tag groups are refused whatever their label says.
    const usable = (group: SignatureGroup) => (group.keySize ?? 0) >= 256 && group.tagSize === 256;
    const { ran, wrong } = mismatches(
      hmac,
      'HS256',
      (_group, test) => createSecretKey(hex(test.key)),
      (group, test) => usable(group) && test.result === 'valid',
    );
    expect(ran).toBe(hmac.numberOfTests);
    expect(wrong).toEqual([]);
  });
});
