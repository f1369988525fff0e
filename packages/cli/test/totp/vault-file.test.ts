import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { installTestHooks } from '../../src/secure-files/test-hooks.js';
import type { OtpEntry } from '../../src/totp/entry.js';
import { decodeEntries, encodeEntries } from '../../src/totp/vault-codec.js';
import {
  TamperedVaultError,
  WrongKeyError,
  deriveVaultKey,
  newKdfParams,
  openSealedVault,
  parseVaultFile,
  sealVault,
} from '../../src/totp/vault-file.js';

const FAST = true;

const ENTRIES: OtpEntry[] = [
  {
    name: 'GitHub:alice',
    kind: 'totp',
    secret: Buffer.from('12345678901234567890'),
    issuer: 'GitHub',
    account: 'alice',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    counter: 0,
  },
  {
    name: 'bank',
    kind: 'hotp',
    secret: randomBytes(32),
    algorithm: 'SHA512',
    digits: 8,
    period: 30,
    counter: 41,
  },
];

async function sealed(passphrase = 'correct horse battery') {
  const kdf = newKdfParams(FAST);
  const key = await deriveVaultKey(Buffer.from(passphrase), kdf);
  return { file: sealVault(encodeEntries(ENTRIES), key, kdf), key };
}

describe('vault plaintext', () => {
  it('round-trips entries, secrets outside the JSON', () => {
    const plaintext = encodeEntries(ENTRIES);
    expect(plaintext.includes(Buffer.from(JSON.stringify(ENTRIES[0]?.secret.toString())))).toBe(false);
    expect(decodeEntries(plaintext)).toEqual(ENTRIES);
  });
});

describe('vault file', () => {
  it('opens with the passphrase it was sealed with', async () => {
    const { file } = await sealed();
    const parsed = parseVaultFile(file);
    const key = await deriveVaultKey(Buffer.from('correct horse battery'), parsed.header.kdf);
    expect(decodeEntries(openSealedVault(parsed, key))).toEqual(ENTRIES);
  });

  it('starts with a readable header naming the KDF and its parameters', async () => {
    const { file } = await sealed();
    const [magic, header] = file.toString('latin1').split('\n');
    expect(magic).toBe('gatehouse-vault v1');
    expect(JSON.parse(header ?? '')).toMatchObject({
      kdf: { name: 'argon2id', version: 0x13, memoryKiB: 256, iterations: 1, parallelism: 1 },
      cipher: 'aes-256-gcm',
    });
  });

  it('holds no secret or name in the clear', async () => {
    const { file } = await sealed();
    for (const entry of ENTRIES) {
      expect(file.includes(entry.secret)).toBe(false);
      expect(file.includes(Buffer.from(entry.name))).toBe(false);
    }
  });

  it('refuses a wrong passphrase as such', async () => {
    const { file } = await sealed();
    const parsed = parseVaultFile(file);
    const wrong = await deriveVaultKey(Buffer.from('correct horse battery!'), parsed.header.kdf);
    expect(() => openSealedVault(parsed, wrong)).toThrow(WrongKeyError);
    expect(() => openSealedVault(parsed, wrong)).toThrow(/wrong passphrase/);
  });

  it('detects a change to any byte of the body or tag', async () => {
    const { file, key } = await sealed();
    const bodyStart = file.indexOf(0x0a, file.indexOf(0x0a) + 1) + 1;
    for (let index = bodyStart; index < file.length; index++) {
      const copy = Buffer.from(file);
      copy[index] = (copy[index] ?? 0) ^ 0x01;
      expect(() => openSealedVault(parseVaultFile(copy), key), `byte ${index}`).toThrow(TamperedVaultError);
    }
  });

  it('detects a change to any byte of the header', async () => {
    const { file, key } = await sealed();
    const headerEnd = file.indexOf(0x0a, file.indexOf(0x0a) + 1);
    for (let index = 0; index <= headerEnd; index++) {
      const copy = Buffer.from(file);
      copy[index] = (copy[index] ?? 0) ^ 0x01;
      // Whatever the byte, the vault must not open: the header is authenticated as AAD.
      expect(() => openSealedVault(parseVaultFile(copy), key), `byte ${index}`).toThrow();
    }
  });

  it('detects a header rewritten as valid JSON (same key, other nonce)', async () => {
    const { file, key } = await sealed();
    const text = file.toString('latin1');
    const nonce = /"nonce":"([^"]+)"/.exec(text)?.[1] ?? '';
    const forged = Buffer.from(text.replace(nonce, randomBytes(12).toString('base64')), 'latin1');
    expect(() => openSealedVault(parseVaultFile(forged), key)).toThrow(TamperedVaultError);
  });

  it('refuses a weakened KDF in the header before running it', async () => {
    const { file } = await sealed();
    const text = file.toString('latin1');
    const weakened = Buffer.from(text.replace('"memoryKiB":256', '"memoryKiB":1'), 'latin1');
    expect(() => parseVaultFile(weakened)).toThrow(/KDF memoryKiB is out of bounds/);
    const huge = Buffer.from(text.replace('"memoryKiB":256', '"memoryKiB":999999999'), 'latin1');
    expect(() => parseVaultFile(huge)).toThrow(/out of bounds/);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), /does not start like a Gatehouse vault/],
    ['another file', Buffer.from('{"hello":"world"}\n'), /does not start like a Gatehouse vault/],
    ['a header cut short', Buffer.from('gatehouse-vault v1\n{"kdf":'), /header is cut/],
    ['a header that is not JSON', Buffer.from(`gatehouse-vault v1\nnope\n${'x'.repeat(32)}`), /not JSON/],
  ])('refuses %s as damaged', (_, file, message) => {
    expect(() => parseVaultFile(file)).toThrow(message);
  });

  it('refuses a body cut short', async () => {
    const { file } = await sealed();
    const headerEnd = file.indexOf(0x0a, file.indexOf(0x0a) + 1);
    expect(() => parseVaultFile(file.subarray(0, headerEnd + 10))).toThrow(/cut short/);
  });

  it('seals with a fresh nonce each time', async () => {
    const kdf = newKdfParams(FAST);
    const key = await deriveVaultKey(Buffer.from('pass phrase'), kdf);
    const plaintext = encodeEntries(ENTRIES);
    expect(sealVault(plaintext, key, kdf).equals(sealVault(plaintext, key, kdf))).toBe(false);
  });

  it('uses production KDF strength unless a test run installed the fast one', () => {
    expect(newKdfParams()).toMatchObject({ memoryKiB: 131072, iterations: 3, parallelism: 4 });
    expect(newKdfParams(FAST).memoryKiB).toBe(256);
    installTestHooks({ fastVaultKdf: true });
    try {
      expect(newKdfParams().memoryKiB).toBe(256);
    } finally {
      installTestHooks({}); // in-process test files share this module
    }
    expect(newKdfParams().memoryKiB).toBe(131072);
  });
});
