import { describe, expect, it } from 'vitest';
import { parseMigrationUri } from '../../src/totp/migration.js';
import { hotp } from '../../src/totp/otp.js';
import { bytesField, migrationPayload, migrationUri, varint, varintField } from './helpers/protobuf.js';

const SECRET_1 = Buffer.from('12345678901234567890');
const SECRET_2 = Buffer.from('12345678901234567890123456789012');
const SECRET_3 = Buffer.from('hotp secret of twenty');

describe('parseMigrationUri (Google Authenticator export)', () => {
  it('decodes every account with its parameters', () => {
    const uri = migrationUri(
      migrationPayload([
        { secret: SECRET_1, name: 'GitHub:alice', issuer: 'GitHub', algorithm: 1, digits: 1, type: 2 },
        { secret: SECRET_2, name: 'bob@example.com', issuer: 'ACME', algorithm: 2, digits: 2, type: 2 },
        { secret: SECRET_3, name: 'Legacy: carol', algorithm: 3, digits: 1, type: 1, counter: 42 },
      ]),
    );
    const accounts = parseMigrationUri(uri);
    expect(accounts.map((account) => account.suggestedName)).toEqual([
      'GitHub:alice',
      'ACME:bob@example.com',
      'Legacy:carol',
    ]);
    expect(accounts.map(({ entry }) => entry)).toEqual([
      {
        kind: 'totp',
        issuer: 'GitHub',
        account: 'alice',
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
        counter: 0,
        secret: SECRET_1,
      },
      {
        kind: 'totp',
        issuer: 'ACME',
        account: 'bob@example.com',
        algorithm: 'SHA256',
        digits: 8,
        period: 30,
        counter: 0,
        secret: SECRET_2,
      },
      {
        kind: 'hotp',
        issuer: 'Legacy',
        account: 'carol',
        algorithm: 'SHA512',
        digits: 6,
        period: 30,
        counter: 42,
        secret: SECRET_3,
      },
    ]);
  });

  it('gives codes from the decoded secrets (RFC 4226 secret, counter 1)', () => {
    const [account] = parseMigrationUri(
      migrationUri(migrationPayload([{ secret: SECRET_1, name: 'x', type: 1, counter: 1 }])),
    );
    expect(account && hotp(account.entry.secret, account.entry.counter, 'SHA1', 6)).toBe('287082');
  });

  it('takes the defaults for unspecified enums (SHA1, 6 digits, TOTP)', () => {
    const [account] = parseMigrationUri(
      migrationUri(migrationPayload([{ secret: SECRET_1, name: 'plain' }])),
    );
    expect(account?.entry).toMatchObject({ kind: 'totp', algorithm: 'SHA1', digits: 6 });
  });

  it('skips unknown fields, fixed-width ones included', () => {
    const fixed64 = Buffer.concat([varint(9 * 8 + 1), Buffer.alloc(8, 7)]);
    const fixed32 = Buffer.concat([varint(10 * 8 + 5), Buffer.alloc(4, 7)]);
    const payload = migrationPayload(
      [{ secret: SECRET_1, name: 'x', type: 2 }],
      [fixed64, fixed32, bytesField(12, 'hi')],
    );
    expect(parseMigrationUri(migrationUri(payload))).toHaveLength(1);
  });

  it('accepts a + that was form-decoded into a space, and unencoded base64', () => {
    const payloads = Array.from({ length: 64 }, (_, index) =>
      migrationPayload([{ secret: Buffer.from([0xfb, index, 0xbe, ...SECRET_1]), name: 'x', type: 2 }]),
    );
    const base64 =
      payloads.map((payload) => payload.toString('base64')).find((text) => text.includes('+')) ?? '';
    expect(base64).toContain('+');
    expect(parseMigrationUri(`otpauth-migration://offline?data=${base64}`)).toHaveLength(1);
    expect(parseMigrationUri(`otpauth-migration://offline?data=${base64.replace(/\+/g, ' ')}`)).toHaveLength(
      1,
    );
  });

  it('refuses MD5', () => {
    const uri = migrationUri(
      migrationPayload([{ secret: SECRET_1, name: 'Old:dave', algorithm: 4, type: 2 }]),
    );
    expect(() => parseMigrationUri(uri)).toThrow(/account 1 \(Old:dave\) uses MD5, which Gatehouse refuses/);
  });

  it.each([
    ['otpauth-migration://offline', /expected otpauth-migration:\/\/offline\?data=/],
    ['otpauth-migration://online?data=AAAA', /expected otpauth-migration/],
    ['otpauth-migration://offline?data=%%%', /malformed percent-encoding/],
    ['otpauth-migration://offline?data=not*base64', /data is not base64/],
  ])('refuses %s', (uri, message) => {
    expect(() => parseMigrationUri(uri)).toThrow(message);
  });

  it.each([
    ['a payload without accounts', migrationPayload([]), /holds no accounts/],
    ['a truncated account', migrationPayload([{ secret: SECRET_1, name: 'x' }]).subarray(0, 10), /truncated/],
    [
      'an account without secret',
      migrationPayload([{ name: 'x', type: 2 }]),
      /account 1 \(x\) has no secret/,
    ],
    ['a short secret', migrationPayload([{ secret: Buffer.from('short'), name: 'x' }]), /secret is 5 bytes/],
    [
      'an unknown algorithm',
      migrationPayload([{ secret: SECRET_1, name: 'x', algorithm: 9 }]),
      /unknown algorithm 9/,
    ],
    [
      'an unknown digit count',
      migrationPayload([{ secret: SECRET_1, name: 'x', digits: 3 }]),
      /unknown digit count 3/,
    ],
    ['an unknown type', migrationPayload([{ secret: SECRET_1, name: 'x', type: 5 }]), /unknown type 5/],
    [
      'a negative counter',
      migrationPayload([{ secret: SECRET_1, name: 'x', type: 1, counter: -1n }]),
      /counter beyond 2\^53/,
    ],
    ['a group', Buffer.concat([varint(1 * 8 + 3)]), /unsupported wire type 3/],
    ['otp_parameters as a varint', varintField(1, 5), /otp_parameters is not a message/],
    [
      'a secret as a varint',
      Buffer.concat([bytesField(1, varintField(1, 5))]),
      /field 1 of account 1 has the wrong type/,
    ],
    ['an endless varint', Buffer.alloc(11, 0xff), /varint longer than 10 bytes/],
  ])('refuses %s', (_, payload, message) => {
    expect(() => parseMigrationUri(migrationUri(payload))).toThrow(message);
  });
});
