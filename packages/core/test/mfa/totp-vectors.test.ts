import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeWithCommand } from '../helpers/real-backends.js';
import { base32Of, matchTotpStep, totpCode, type TotpSettings } from '../../src/mfa/totp.js';

interface Vectors {
  totp: { time: number; algorithm: TotpSettings['algorithm']; secretAscii: string; otp: string }[];
  hotp: { secretAscii: string; values: { counter: number; otp: string }[] };
}
const vectors = JSON.parse(
  readFileSync(new URL('../fixtures/otp/otp-rfc6238-rfc4226.json', import.meta.url), 'utf8'),
) as Vectors;

describe('TOTP against RFC 6238 Appendix B', () => {
  it.each(vectors.totp)('$algorithm at T=$time → $otp', ({ time, algorithm, secretAscii, otp }) => {
    const settings: TotpSettings = { algorithm, digits: 8, periodSeconds: 30 };
    const secret = Buffer.from(secretAscii, 'ascii');
    expect(totpCode(secret, settings, time * 1000)).toBe(otp);
    // Accepted in its own step, and reported as that step.
    expect(matchTotpStep(secret, otp, settings, 1, time * 1000)).toBe(Math.floor(time / 30));
    // Two steps away it is outside the ±1 window.
    expect(matchTotpStep(secret, otp, settings, 1, (time + 90) * 1000)).toBeNull();
  });

  it('matches the RFC 4226 HOTP values at counter = step (T0 = 0, 30 s)', () => {
    const settings: TotpSettings = { algorithm: 'SHA1', digits: 6, periodSeconds: 30 };
    const secret = Buffer.from(vectors.hotp.secretAscii, 'ascii');
    expect(vectors.hotp.values).toHaveLength(10);
    for (const { counter, otp } of vectors.hotp.values) {
      expect(totpCode(secret, settings, counter * 30_000 + 1_000)).toBe(otp);
    }
  });

  it('refuses codes of the wrong length or with non-digits without computing anything', () => {
    const settings: TotpSettings = { algorithm: 'SHA1', digits: 6, periodSeconds: 30 };
    const secret = Buffer.from('12345678901234567890');
    for (const code of ['', '12345', '1234567', '12345a', ' 123456', '１２３４５６']) {
      expect(matchTotpStep(secret, code, settings, 1, 59_000)).toBeNull();
    }
  });
});

describeWithCommand('oathtool', 'TOTP agrees with oathtool', () => {
  it.each([
    ['SHA1', 6, 30],
    ['SHA256', 8, 30],
    ['SHA512', 7, 60],
  ] as const)('%s, %i digits, %i s', (algorithm, digits, periodSeconds) => {
    const secret = Buffer.from('a secret of exactly thirty two b', 'ascii');
    const at = Date.UTC(2026, 10, 24, 10, 11, 12);
    const expected = execFileSync('oathtool', [
      `--totp=${algorithm.toLowerCase()}`,
      '-b',
      base32Of(secret),
      '-d',
      String(digits),
      '-s',
      `${periodSeconds}s`,
      '--now',
      new Date(at)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC'),
    ])
      .toString()
      .trim();
    expect(totpCode(secret, { algorithm, digits, periodSeconds }, at)).toBe(expected);
  });
});
