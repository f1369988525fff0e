import fc from 'fast-check';
import { HOTP, Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { ALGORITHMS } from '../../src/totp/entry.js';
import { hotp, secondsLeft, totpStep } from '../../src/totp/otp.js';
import { vectors } from './helpers/vectors.js';

describe('TOTP, RFC 6238 Appendix B', () => {
  it.each(vectors.totp)('T=$time $algorithm → $otp', ({ time, algorithm, secretAscii, otp }) => {
    const step = totpStep(time * 1000, 30);
    expect(hotp(Buffer.from(secretAscii, 'ascii'), step, algorithm, 8)).toBe(otp);
  });

  it('covers all 18 cases of the table', () => {
    expect(vectors.totp).toHaveLength(18);
  });
});

describe('HOTP, RFC 4226 Appendix D', () => {
  it.each(vectors.hotp.values)('counter $counter → $otp', ({ counter, otp }) => {
    expect(hotp(Buffer.from(vectors.hotp.secretAscii, 'ascii'), counter, 'SHA1', 6)).toBe(otp);
  });

  it('covers all 10 values', () => {
    expect(vectors.hotp.values).toHaveLength(10);
  });
});

describe('against the otpauth library (an independent implementation)', () => {
  it('agrees on random secrets, counters, algorithms and lengths', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 10, maxLength: 64 }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom(...ALGORITHMS),
        fc.constantFrom(6, 7, 8),
        (bytes, counter, algorithm, digits) => {
          const secret = new Secret({ buffer: Uint8Array.from(bytes).buffer });
          const expected = HOTP.generate({ secret, counter, algorithm, digits });
          expect(hotp(Buffer.from(bytes), counter, algorithm, digits)).toBe(expected);
        },
      ),
    );
  });

  it('agrees on TOTP steps for random times and periods', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 300 }),
        (timeMs, period) => {
          const secret = new Secret({ buffer: Uint8Array.from(Buffer.from('12345678901234567890')).buffer });
          const expected = TOTP.generate({ secret, timestamp: timeMs, period, algorithm: 'SHA1', digits: 6 });
          expect(hotp(Buffer.from('12345678901234567890'), totpStep(timeMs, period), 'SHA1', 6)).toBe(
            expected,
          );
        },
      ),
    );
  });
});

describe('secondsLeft', () => {
  it('counts down from the period to 1 within a step', () => {
    expect(secondsLeft(0, 30)).toBe(30);
    expect(secondsLeft(29_999, 30)).toBe(1);
    expect(secondsLeft(30_000, 30)).toBe(30);
    expect(secondsLeft(61_500, 60)).toBe(59);
  });
});
