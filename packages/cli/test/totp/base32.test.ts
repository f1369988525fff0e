import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode } from '../../src/totp/base32.js';

/** RFC 4648 section 10, without the padding otpauth URIs leave out. */
const RFC4648 = [
  ['', ''],
  ['f', 'MY'],
  ['fo', 'MZXQ'],
  ['foo', 'MZXW6'],
  ['foob', 'MZXW6YQ'],
  ['fooba', 'MZXW6YTB'],
  ['foobar', 'MZXW6YTBOI'],
] as const;

describe('base32', () => {
  it.each(RFC4648)('%j ⇄ %s', (text, encoded) => {
    expect(base32Encode(Buffer.from(text))).toBe(encoded);
    expect(base32Decode(encoded).toString()).toBe(text);
  });

  it('accepts padding, lower case, spaces and dashes between groups', () => {
    expect(base32Decode('MZXW6YQ=').toString()).toBe('foob');
    expect(base32Decode('mzxw 6ytb-oi').toString()).toBe('foobar');
    expect(base32Decode('JBSW Y3DP EHPK 3PXP')).toEqual(base32Decode('JBSWY3DPEHPK3PXP'));
  });

  it('round-trips any bytes', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = Buffer.from(Array.from({ length }, (_, index) => (index * 37 + length) & 0xff));
      expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    }
  });

  it('rejects characters outside the alphabet without quoting the input', () => {
    expect(() => base32Decode('JBSWY3DPEHPK3PX1')).toThrow(/character 16 is not A-Z or 2-7/);
    expect(() => base32Decode('SECRETSECRET0ABC')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('SECRET') }),
    );
  });

  it('rejects lengths no encoding produces', () => {
    for (const text of ['A', 'ABC', 'ABCDEF', 'ABCDEFGHA'])
      expect(() => base32Decode(text)).toThrow(/not a possible length/);
  });
});
