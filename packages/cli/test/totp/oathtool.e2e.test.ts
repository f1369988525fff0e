import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { base32Encode } from '../../src/totp/base32.js';
import { parseOtpauthUri } from '../../src/totp/otpauth-uri.js';
import { entryCode } from '../../src/totp/otp.js';
import { describeWithCommand, gatehouse, tempHome } from './helpers/cli.js';

/** oathtool's answer (it reads our unpadded base32 as it is). */
function oathtool(args: string[]): string {
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

/** "2009-02-13 23:31:30 UTC", the form oathtool's --now takes. */
function oathtoolTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const ascii = (text: string) => base32Encode(Buffer.from(text));

/** Each case: the otpauth parameters and the matching oathtool options. */
const TOTP_CASES = [
  { name: 'sha1-6', secret: ascii('12345678901234567890'), params: '', oath: ['--totp'] },
  {
    name: 'sha256-8',
    secret: ascii('12345678901234567890123456789012'),
    params: '&algorithm=SHA256&digits=8',
    oath: ['--totp=sha256', '-d', '8'],
  },
  {
    name: 'sha512-8-60s',
    secret: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
    params: '&algorithm=SHA512&digits=8&period=60',
    oath: ['--totp=sha512', '-d', '8', '-s', '60'],
  },
  {
    name: 'random-sha1-7',
    secret: base32Encode(randomBytes(20)),
    params: '&digits=7',
    oath: ['--totp', '-d', '7'],
  },
  {
    name: 'random-sha256-6-45s',
    secret: base32Encode(randomBytes(26)),
    params: '&algorithm=SHA256&period=45',
    oath: ['--totp=sha256', '-s', '45'],
  },
];

const uri = ({ name, secret, params }: (typeof TOTP_CASES)[number]) =>
  `otpauth://totp/${name}?secret=${secret}${params}`;

describeWithCommand('oathtool', 'codes agree with oathtool', () => {
  it('gatehouse totp code, for SHA1/SHA256/SHA512, 6/7/8 digits, 30/45/60 s steps', async () => {
    const { env } = await tempHome();
    const imported = await gatehouse(['totp', 'import', '-'], env, { input: TOTP_CASES.map(uri).join('\n') });
    expect(imported.code).toBe(0);
    for (const time of ['2009-02-13T23:31:30Z', new Date().toISOString()]) {
      // One time's entries side by side: concurrent commands on one vault must work too.
      const codes = await Promise.all(
        TOTP_CASES.map(({ name }) => gatehouse(['totp', 'code', name], { ...env, GATEHOUSE_TEST_NOW: time })),
      );
      for (const [index, { name, secret, oath }] of TOTP_CASES.entries()) {
        const theirs = oathtool([...oath, '-b', secret, '--now', oathtoolTime(time)]);
        expect(codes[index]?.stdout.trim(), `${name} at ${time}: ${codes[index]?.stderr}`).toBe(theirs);
      }
    }
  }, 60_000);

  it('the same parsing and code path at more times, RFC 6238 vectors included', () => {
    const times = [
      '1970-01-01T00:00:59Z',
      '2005-03-18T01:58:29Z',
      '2033-05-18T03:33:20Z',
      '2603-10-11T11:33:20Z',
    ];
    for (let index = 0; index < 20; index++)
      times.push(new Date(randomBytes(4).readUInt32BE(0) * 1000).toISOString());
    for (const testCase of TOTP_CASES) {
      const entry = { name: testCase.name, ...parseOtpauthUri(uri(testCase)).entry };
      for (const time of times) {
        const theirs = oathtool([...testCase.oath, '-b', testCase.secret, '--now', oathtoolTime(time)]);
        expect(entryCode(entry, Date.parse(time)), `${testCase.name} at ${time}`).toBe(theirs);
      }
    }
  });

  it('gatehouse totp code for HOTP: each code at the next counter, 6 and 8 digits', async () => {
    const { env } = await tempHome();
    const secret = base32Encode(randomBytes(20));
    const uris = [
      `otpauth://hotp/h6?secret=${secret}&counter=0`,
      `otpauth://hotp/h8?secret=${secret}&counter=123456789&digits=8`,
    ];
    expect((await gatehouse(['totp', 'import', '-'], env, { input: uris.join('\n') })).code).toBe(0);
    for (let counter = 0; counter < 3; counter++) {
      const ours = await gatehouse(['totp', 'code', 'h6'], env);
      expect(ours.stdout.trim()).toBe(oathtool(['-b', secret, '-c', String(counter)]));
    }
    const eight = await gatehouse(['totp', 'code', 'h8'], env);
    expect(eight.stdout.trim()).toBe(oathtool(['-b', secret, '-c', '123456789', '-d', '8']));
  }, 60_000);
});
