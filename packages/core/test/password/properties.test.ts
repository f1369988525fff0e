import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config/index.js';
import {
  checkPasswordPolicy,
  countCodePoints,
  normalizePassword,
  passwordLength,
  type BreachChecker,
} from '../../src/password/index.js';

const base = createConfig().passwords;
const config = { ...base, minLength: 2, maxLength: 40, breachCheck: { ...base.breachCheck, enabled: true } };

/** Lengths on both sides of the policy's bounds below (2 and 40). */
const LONG = { maxLength: 120, size: 'medium' } as const;
/** Any UTF-16 string, lone surrogates included: what a JSON body can carry. */
const anyUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
  ...LONG,
});
/** Whole code points from all of Unicode, and grapheme clusters (emoji, combining marks). */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', ...LONG }),
  fc.string({ unit: 'grapheme', ...LONG }),
  anyUnits,
);

const REASONS = ['too_short', 'too_long', 'common', 'breached', 'contains_identifier'];

describe('password properties', () => {
  it('checkPasswordPolicy never throws and always answers a known shape', async () => {
    const checker: BreachChecker = {
      isBreached: (p) => Promise.resolve(p.length % 3 === 0 ? true : p.length % 3 === 1 ? false : 'unknown'),
    };
    await fc.assert(
      fc.asyncProperty(anyText, fc.option(anyText, { nil: undefined }), async (password, local) => {
        const email = local === undefined ? undefined : `${local}@example.com`;
        const result = await checkPasswordPolicy(password, { email, config, breachChecker: checker });
        if (result.ok) {
          expect(result.normalized).toBe(password.normalize('NFKC'));
          const length = [...result.normalized].length;
          expect(length).toBeGreaterThanOrEqual(config.minLength);
          expect(length).toBeLessThanOrEqual(config.maxLength);
        } else {
          expect(REASONS).toContain(result.reason);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('passwordLength is the number of code points of the NFKC form', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const normalized = text.normalize('NFKC');
        expect(passwordLength(text)).toBe([...normalized].length);
        expect(normalizePassword(text)).toBe(normalized);
        expect(countCodePoints(text)).toBe([...text].length);
        // NFKC is idempotent, so normalising twice changes nothing.
        expect(passwordLength(normalized)).toBe(passwordLength(text));
      }),
      { numRuns: 1_000 },
    );
  });
});
