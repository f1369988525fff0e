/**
 * Every case of Wycheproof's JWS vectors through the two steps the access-token
 * verifier runs (decodeCompactJws, checkJwsSignature): parsing, alg pinning, refusal of
 * header-supplied keys, and the node:crypto signature check. The group's key is
 * imported with node:crypto and offered by kid, as the Keyring would; `typ` and claims
 * are not part of these vectors (their payloads are not even JSON).
 */
import { createPublicKey, createSecretKey, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkJwsSignature,
  decodeCompactJws,
  isSigningAlgorithm,
  type JwsKeyResolver,
  type JwsRejection,
  type JwsVerificationKey,
} from '../../src/tokens/index.js';

interface WycheproofJwk extends JsonWebKey {
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
}
interface WycheproofCase {
  tcId: number;
  comment: string;
  jws: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface WycheproofGroup {
  comment: string;
  public?: WycheproofJwk;
  private?: WycheproofJwk;
  tests: WycheproofCase[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../fixtures/wycheproof/json_web_signature_test.json', import.meta.url), 'utf8'),
) as { numberOfTests: number; testGroups: WycheproofGroup[] };

/**
 * Labels that contradict RFC 7515, pinned to what we do and why. If the vectors are
 * fixed upstream, the label check below fails and this list must shrink.
 */
const LABEL_DISAGREEMENTS: Record<number, { label: string; we: 'accept' | 'reject'; why: string }> = {
  367: { label: 'invalid', we: 'accept', why: 'byte-identical to valid tcId 357 (C2SP/wycheproof#236)' },
  370: { label: 'invalid', we: 'accept', why: 'byte-identical to valid tcId 357 (C2SP/wycheproof#236)' },
  372: {
    label: 'valid',
    we: 'reject',
    why: '`?` is not base64url and the MAC covers other bytes (RFC 7515 §7.1)',
  },
  373: {
    label: 'valid',
    we: 'reject',
    why: '`?` is not base64url and the MAC covers other bytes (RFC 7515 §7.1)',
  },
};

/**
 * The group's key as a JWKS consumer would take it: only keys meant for signatures
 * (`use`, `key_ops`) and pinned to one of our algorithms. Secret (oct) keys only
 * exist as `private`; for the others the public half is used.
 */
function importGroupKey(group: WycheproofGroup): JwsKeyResolver {
  const jwk = group.public ?? group.private;
  let key: JwsVerificationKey | undefined;
  const usable =
    jwk !== undefined &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    (jwk.key_ops === undefined || jwk.key_ops.includes('verify'));
  if (usable && isSigningAlgorithm(jwk.alg)) {
    const verifyKey =
      jwk.kty === 'oct'
        ? createSecretKey(Buffer.from(jwk.k ?? '', 'base64url'))
        : createPublicKey({ key: jwk, format: 'jwk' });
    key = { alg: jwk.alg, verifyKey };
  }
  return { find: (kid) => (key && kid === jwk?.kid ? key : undefined) };
}

/** Exactly the verifier's two JWS steps. */
function verifyVector(jws: string, keys: JwsKeyResolver): { ok: true } | { ok: false; reason: JwsRejection } {
  const decoded = decodeCompactJws(jws);
  if (typeof decoded === 'string') return { ok: false, reason: decoded };
  const problem = checkJwsSignature(decoded, keys);
  return problem ? { ok: false, reason: problem } : { ok: true };
}

/** The header's alg when the header decodes at all (to spot algorithms we never support). */
function headerAlg(jws: string): unknown {
  try {
    return (JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString()) as { alg?: unknown })
      .alg;
  } catch {
    return undefined;
  }
}

const cases = vectors.testGroups.flatMap((group) => {
  const keys = importGroupKey(group);
  return group.tests.map((test) => ({ ...test, group: group.comment, keys }));
});
const count = (result: string) => cases.filter((test) => test.result === result).length;

describe(`Wycheproof JWS: all ${cases.length} cases (${count('valid')} valid, ${count('invalid')} invalid, ${count('acceptable')} acceptable)`, () => {
  it(`runs every one of the file's ${vectors.numberOfTests} cases`, () => {
    expect(cases).toHaveLength(vectors.numberOfTests);
    expect(new Set(cases.map((test) => test.tcId)).size).toBe(vectors.numberOfTests);
  });

  it.each(cases)('tcId $tcId [$group] $comment: $result', (test) => {
    let outcome: ReturnType<typeof verifyVector> | undefined;
    expect(() => (outcome = verifyVector(test.jws, test.keys))).not.toThrow();
    const disagreement = LABEL_DISAGREEMENTS[test.tcId];
    const alg = headerAlg(test.jws);
    if (disagreement) {
      expect(test.result, disagreement.why).toBe(disagreement.label);
      expect(outcome?.ok, disagreement.why).toBe(disagreement.we === 'accept');
    } else if (typeof alg === 'string' && !isSigningAlgorithm(alg)) {
      // PS256/384/512, RS384/512, ES512, none: never supported, whatever the label says.
      expect(outcome).toEqual({ ok: false, reason: 'unsupported_algorithm' });
    } else if (test.result === 'valid') {
      expect(outcome).toEqual({ ok: true });
    } else if (test.result === 'invalid') {
      expect(outcome?.ok).toBe(false);
    }
    // 'acceptable': either outcome; not throwing was checked above.
  });

  it('verifies valid vectors of every algorithm we support, so the rejections above mean something', () => {
    const accepted = new Set(
      cases
        .filter((test) => test.result === 'valid' && verifyVector(test.jws, test.keys).ok)
        .map((test) => headerAlg(test.jws)),
    );
    expect([...accepted].sort()).toEqual(['ES256', 'HS256', 'RS256']);
  });
});
