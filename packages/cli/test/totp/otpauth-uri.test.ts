import { describe, expect, it } from 'vitest';
import { otpauthUri, parseOtpauthUri } from '../../src/totp/otpauth-uri.js';

const SECRET = 'JBSWY3DPEHPK3PXP';

describe('parseOtpauthUri', () => {
  it('reads the Key URI Format example', () => {
    const { entry, suggestedName } = parseOtpauthUri(
      `otpauth://totp/Example:alice@google.com?secret=${SECRET}&issuer=Example`,
    );
    expect(entry).toMatchObject({
      kind: 'totp',
      issuer: 'Example',
      account: 'alice@google.com',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    expect(entry.secret).toEqual(Buffer.from('48656c6c6f21deadbeef', 'hex'));
    expect(suggestedName).toBe('Example:alice@google.com');
  });

  it('reads every parameter, case-insensitively, and decodes the label', () => {
    const { entry } = parseOtpauthUri(
      `OTPAUTH://TOTP/ACME%20Co:%20john.doe%40email.com?SECRET=${SECRET.toLowerCase()}&Algorithm=sha512&digits=8&period=60&image=x`,
    );
    expect(entry).toMatchObject({
      issuer: 'ACME Co',
      account: 'john.doe@email.com',
      algorithm: 'SHA512',
      digits: 8,
      period: 60,
    });
  });

  it('reads hotp with its counter', () => {
    const { entry, suggestedName } = parseOtpauthUri(
      `otpauth://hotp/bob?secret=${SECRET}&counter=42&digits=7`,
    );
    expect(entry).toMatchObject({ kind: 'hotp', counter: 42, digits: 7, account: 'bob', issuer: undefined });
    expect(suggestedName).toBe('bob');
  });

  it('prefers the issuer parameter to the label prefix', () => {
    expect(parseOtpauthUri(`otpauth://totp/Old:bob?secret=${SECRET}&issuer=New`).entry.issuer).toBe('New');
  });

  it.each([
    ['http://totp/x?secret=JBSWY3DPEHPK3PXP', /expected otpauth:\/\/totp/],
    ['otpauth://motp/x?secret=JBSWY3DPEHPK3PXP', /unknown type "motp"/],
    ['otpauth://totp/x', /no secret parameter/],
    ['otpauth://totp/x?issuer=Y', /no secret parameter/],
    ['otpauth://totp/x?secret=', /no secret parameter/],
    ['otpauth://totp/x?secret=JBSWY3DPEHPK3PX!', /invalid base32/],
    ['otpauth://totp/x?secret=JBSWY3DP', /secret is 5 bytes/],
    ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=9', /unsupported digits 9/],
    ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=six', /unsupported digits/],
    ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5', /unsupported algorithm MD5/],
    ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0', /invalid period 0/],
    ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=-30', /invalid period/],
    ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=1.5', /invalid period/],
    ['otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP', /needs a counter/],
    ['otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=-1', /invalid counter/],
    ['otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=99999999999999999999', /invalid counter/],
    ['otpauth://totp/?secret=JBSWY3DPEHPK3PXP', /no label/],
    ['otpauth://totp/%E0%A4%A?secret=JBSWY3DPEHPK3PXP', /malformed percent-encoding/],
    ['otpauth://totp', /expected otpauth/],
    ['', /expected otpauth/],
  ])('refuses %s', (uri, message) => {
    expect(() => parseOtpauthUri(uri)).toThrow(message);
  });

  it('never quotes the secret in an error', () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    for (const uri of [`otpauth://totp/x?secret=${secret}&digits=9`, `otpauth://zotp/x?secret=${secret}`]) {
      try {
        parseOtpauthUri(uri);
        expect.unreachable();
      } catch (error) {
        expect((error as Error).message).not.toContain(secret);
      }
    }
  });
});

describe('otpauthUri', () => {
  it('round-trips through parseOtpauthUri', () => {
    const uris = [
      `otpauth://totp/GitHub:alice?secret=${SECRET}&issuer=GitHub&algorithm=SHA256&digits=8&period=60`,
      `otpauth://hotp/ACME%20Co:bob%40example.com?secret=${SECRET}&issuer=ACME%20Co&algorithm=SHA1&digits=6&counter=7`,
      `otpauth://totp/solo?secret=${SECRET}&algorithm=SHA512&digits=7&period=30`,
    ];
    for (const uri of uris) {
      const { entry, suggestedName } = parseOtpauthUri(uri);
      expect(otpauthUri({ name: suggestedName, ...entry })).toBe(uri);
    }
  });

  it('falls back to the entry name for the label', () => {
    const { entry } = parseOtpauthUri(`otpauth://totp/x?secret=${SECRET}`);
    expect(otpauthUri({ ...entry, account: undefined, name: 'my key' })).toMatch(
      /^otpauth:\/\/totp\/my%20key\?/,
    );
  });
});
