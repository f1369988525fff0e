import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPair } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { systemRandom, type RandomSource } from '../util/random.js';
import type { PublicJwk, SigningAlgorithm } from './types.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface KeyMaterial {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  verifyKey: KeyObject;
  publicJwk: PublicJwk | null;
}

/** Key pairs come from the platform's generator; only symmetric material is drawn from `random`. */
async function generatePrivateKey(alg: SigningAlgorithm, random: RandomSource): Promise<KeyObject> {
  switch (alg) {
    case 'EdDSA':
      return (await generateKeyPairAsync('ed25519')).privateKey;
    case 'ES256':
      return (await generateKeyPairAsync('ec', { namedCurve: 'P-256' })).privateKey;
    case 'RS256':
      return (await generateKeyPairAsync('rsa', { modulusLength: 2048 })).privateKey;
    case 'HS256':
      return createSecretKey(random.bytes(32));
  }
}

/** A fresh key pinned to `alg`; the kid of a public key is its RFC 7638 thumbprint. */
export async function generateSigningKey(
  alg: SigningAlgorithm,
  random: RandomSource = systemRandom,
): Promise<KeyMaterial> {
  const privateKey = await generatePrivateKey(alg, random);
  if (alg === 'HS256') {
    return {
      kid: random.token(16),
      alg,
      privateKey,
      verifyKey: privateKey,
      publicJwk: null,
    };
  }
  return describeKeyPair(alg, privateKey);
}

export async function describeKeyPair(alg: SigningAlgorithm, privateKey: KeyObject): Promise<KeyMaterial> {
  const verifyKey = createPublicKey(privateKey);
  const jwk = verifyKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return {
    kid,
    alg,
    privateKey,
    verifyKey,
    publicJwk: { ...jwk, kid, alg, use: 'sig', kty: String(jwk.kty) },
  };
}

/** The bytes that get sealed: PKCS#8 DER for key pairs, the raw secret for HS256. */
export function exportPrivateKey(key: KeyMaterial): Buffer {
  return key.alg === 'HS256'
    ? key.privateKey.export()
    : key.privateKey.export({ format: 'der', type: 'pkcs8' });
}

export function importPrivateKey(alg: SigningAlgorithm, bytes: Buffer): KeyObject {
  return alg === 'HS256'
    ? createSecretKey(bytes)
    : createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' });
}
