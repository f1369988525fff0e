import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hashRaw, type Algorithm, type Version } from '@node-rs/argon2';
import { CliFailure } from '../secure-files/errors.js';
import { testHooks } from '../secure-files/test-hooks.js';

/**
 * The encrypted vault file:
 *
 *   gatehouse-vault v1\n
 *   {"kdf":{"name":"argon2id",…,"salt":…},"cipher":"aes-256-gcm","nonce":…,"keyCheck":…}\n
 *   ciphertext ‖ 16-byte GCM tag
 *
 * The key is Argon2id(passphrase, salt, params) with the salt and params from the header.
 * The two header lines are the GCM additional data, so changing any header byte (a
 * weaker KDF, another nonce) makes the file fail to open. keyCheck, the first 16 bytes of
 * HMAC-SHA256(key, "gatehouse vault key check v1"), tells a wrong passphrase from a
 * modified body; it reveals nothing the ciphertext does not (both let a guess be tested).
 */

const MAGIC = Buffer.from('gatehouse-vault v1\n');
const KEY_CHECK_LABEL = 'gatehouse vault key check v1';
const MAX_HEADER = 4096;

export interface KdfParams {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  salt: Buffer;
}

/**
 * RFC 9106's second recommended setting is 64 MiB, t=3, p=4; the vault is opened at most
 * once per 15-minute session, so it takes twice the memory (about 0.2 s on a laptop).
 */
const PRODUCTION_KDF = { memoryKiB: 128 * 1024, iterations: 3, parallelism: 4 };
/** Only when a test run asks for it (test-hooks.ts `fastVaultKdf`): a whole test suite in seconds. */
const TEST_KDF = { memoryKiB: 256, iterations: 1, parallelism: 1 };
const KDF_LIMITS = { memoryKiB: [8, 4 * 1024 * 1024], iterations: [1, 64], parallelism: [1, 64] } as const;

// Numeric values of @node-rs/argon2's const enums (ambient const enums cannot be read under
// isolatedModules): Algorithm.Argon2id = 2, Version.V0x13 = 1.
const ARGON2ID = 2 as Algorithm;
const VERSION_0X13 = 1 as Version;

export interface VaultHeader {
  kdf: KdfParams;
  nonce: Buffer;
  keyCheck: Buffer;
}

export interface ParsedVault {
  header: VaultHeader;
  /** The header bytes, authenticated as GCM additional data. */
  aad: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** Parameters for a new vault or a re-key: fresh salt, production strength (unless a test run asks). */
export function newKdfParams(fast = testHooks().fastVaultKdf === true): KdfParams {
  return { ...(fast ? TEST_KDF : PRODUCTION_KDF), salt: randomBytes(16) };
}

export async function deriveVaultKey(passphrase: Buffer, kdf: KdfParams): Promise<Buffer> {
  return hashRaw(passphrase, {
    algorithm: ARGON2ID,
    version: VERSION_0X13,
    memoryCost: kdf.memoryKiB,
    timeCost: kdf.iterations,
    parallelism: kdf.parallelism,
    salt: kdf.salt,
    outputLen: 32,
  });
}

/** The file bytes for `plaintext` under `key` (a fresh nonce each time). */
export function sealVault(plaintext: Buffer, key: Buffer, kdf: KdfParams): Buffer {
  const nonce = randomBytes(12);
  const header = {
    kdf: {
      name: 'argon2id',
      version: 0x13,
      memoryKiB: kdf.memoryKiB,
      iterations: kdf.iterations,
      parallelism: kdf.parallelism,
      salt: kdf.salt.toString('base64'),
    },
    cipher: 'aes-256-gcm',
    nonce: nonce.toString('base64'),
    keyCheck: keyCheck(key).toString('base64'),
  };
  const aad = Buffer.concat([MAGIC, Buffer.from(`${JSON.stringify(header)}\n`)]);
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(aad);
  return Buffer.concat([aad, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Splits a vault file, checking its shape and bounds (before any expensive KDF run). */
export function parseVaultFile(file: Buffer): ParsedVault {
  if (!file.subarray(0, MAGIC.length).equals(MAGIC))
    throw damaged('it does not start like a Gatehouse vault');
  const end = file.indexOf(0x0a, MAGIC.length);
  if (end === -1 || end - MAGIC.length > MAX_HEADER) throw damaged('its header is cut or too long');
  const header = readHeader(file.subarray(MAGIC.length, end).toString('utf8'));
  const body = file.subarray(end + 1);
  if (body.length < 16) throw damaged('it is cut short');
  return {
    header,
    aad: file.subarray(0, end + 1),
    ciphertext: body.subarray(0, -16),
    tag: body.subarray(-16),
  };
}

export class WrongKeyError extends CliFailure {}
export class TamperedVaultError extends CliFailure {}

/** Decrypts; WrongKeyError for another key, TamperedVaultError when the right key fails. */
export function openSealedVault(vault: ParsedVault, key: Buffer): Buffer {
  const check = keyCheck(key);
  if (!timingSafeEqual(check, vault.header.keyCheck)) {
    throw new WrongKeyError('wrong passphrase (or the vault header was modified); nothing was changed');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, vault.header.nonce, { authTagLength: 16 });
    decipher.setAAD(vault.aad).setAuthTag(vault.tag);
    return Buffer.concat([decipher.update(vault.ciphertext), decipher.final()]);
  } catch {
    throw new TamperedVaultError(
      'the vault failed its integrity check: the file was modified or damaged. It was left as it is; restore it from a backup',
    );
  }
}

function keyCheck(key: Buffer): Buffer {
  return createHmac('sha256', key).update(KEY_CHECK_LABEL).digest().subarray(0, 16);
}

interface StoredHeader {
  kdf?: {
    name?: unknown;
    version?: unknown;
    memoryKiB?: unknown;
    iterations?: unknown;
    parallelism?: unknown;
    salt?: unknown;
  };
  cipher?: unknown;
  nonce?: unknown;
  keyCheck?: unknown;
}

function readHeader(text: string): VaultHeader {
  let stored: StoredHeader;
  try {
    stored = JSON.parse(text) as StoredHeader;
  } catch {
    throw damaged('its header is not JSON');
  }
  const { kdf } = stored;
  if (kdf?.name !== 'argon2id' || kdf.version !== 0x13 || stored.cipher !== 'aes-256-gcm') {
    throw damaged('its header names an unknown KDF or cipher');
  }
  const params = {
    memoryKiB: bounded(kdf.memoryKiB, 'memoryKiB'),
    iterations: bounded(kdf.iterations, 'iterations'),
    parallelism: bounded(kdf.parallelism, 'parallelism'),
    salt: bytes(kdf.salt, 16, 64, 'salt'),
  };
  if (params.memoryKiB < 8 * params.parallelism) throw damaged('its KDF memory is below 8 KiB per lane');
  return {
    kdf: params,
    nonce: bytes(stored.nonce, 12, 12, 'nonce'),
    keyCheck: bytes(stored.keyCheck, 16, 16, 'keyCheck'),
  };
}

/** Bounds keep a forged header from making the KDF take all memory or run for hours. */
function bounded(value: unknown, name: keyof typeof KDF_LIMITS): number {
  const [min, max] = KDF_LIMITS[name];
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw damaged(`its KDF ${name} is out of bounds`);
}

function bytes(value: unknown, min: number, max: number, name: string): Buffer {
  const decoded = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
  if (decoded.length >= min && decoded.length <= max) return decoded;
  throw damaged(`its ${name} is missing or has the wrong length`);
}

function damaged(reason: string): CliFailure {
  return new CliFailure(
    `the vault file is damaged or not a Gatehouse vault (${reason}); it was left as it is`,
  );
}
