import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { decodeMasterSecret, resolveMasterSecret } from '../../src/crypto/master-secret.js';

describe('SecretBox', () => {
  const master = randomBytes(32);
  const box = new SecretBox(master, 'signing-keys');

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.seal(Buffer.from('private key bytes'), 'kid-1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('private');
    expect(box.open(sealed, 'kid-1').toString()).toBe('private key bytes');
  });

  it('refuses another record, another purpose, another master secret and tampering', () => {
    const sealed = box.seal(Buffer.from('secret'), 'kid-1');
    expect(() => box.open(sealed, 'kid-2')).toThrow(/GATEHOUSE_SECRET differs|altered/);
    expect(() => new SecretBox(master, 'totp').open(sealed, 'kid-1')).toThrow();
    expect(() => new SecretBox(randomBytes(32), 'signing-keys').open(sealed, 'kid-1')).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 20] = (raw[raw.length - 20] ?? 0) ^ 1;
    expect(() => box.open(`v1.${raw.toString('base64url')}`, 'kid-1')).toThrow();
    expect(() => box.open('v2.abc', 'kid-1')).toThrow(/unknown format/);
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal(Buffer.from('x'), 'a')).not.toBe(box.seal(Buffer.from('x'), 'a'));
  });
});

describe('master secret', () => {
  it('accepts base64 of 32+ bytes and refuses short or non-base64 values without echoing them', () => {
    expect(decodeMasterSecret(randomBytes(32).toString('base64'))).toHaveLength(32);
    expect(() => decodeMasterSecret(randomBytes(16).toString('base64'))).toThrow(/at least 32/);
    const notBase64 = 'this is definitely not base64 but it is long enough!!';
    expect(() => decodeMasterSecret(notBase64)).toThrow(/base64/);
    try {
      decodeMasterSecret(notBase64);
    } catch (error) {
      expect(String(error)).not.toContain(notBase64);
    }
  });

  it('is required when instances must share it', () => {
    expect(() => resolveMasterSecret({ dataDir: '/nonexistent', required: true })).toThrow(
      /GATEHOUSE_SECRET is required/,
    );
  });

  it('is generated once into the data dir with mode 0600 for development', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-secret-'));
    const first = resolveMasterSecret({ dataDir: dir, required: false });
    const second = resolveMasterSecret({ dataDir: dir, required: false });
    expect(first.source).toBe('generated');
    expect(second.source).toBe('data-dir');
    expect(second.key.equals(first.key)).toBe(true);
    expect(statSync(join(dir, 'secret')).mode & 0o777).toBe(0o600);
    expect(decodeMasterSecret(readFileSync(join(dir, 'secret'), 'utf8')).equals(first.key)).toBe(true);
  });
});
