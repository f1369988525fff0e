import { describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config/index.js';
import {
  checkPasswordPolicy,
  commonPasswordCount,
  isCommonPassword,
  type BreachChecker,
  type BreachCheckResult,
  type PasswordPolicyOptions,
} from '../../src/password/index.js';

const config = createConfig().passwords;
const highSecurity = createConfig({ preset: 'highSecurity' }).passwords;
const STRONG = 'velvet-otter-quarry-9';

const reasonOf = async (password: string, options: Partial<PasswordPolicyOptions> = {}) => {
  const result = await checkPasswordPolicy(password, { config, ...options });
  return result.ok ? 'ok' : result.reason;
};

/** A checker that answers `answer` and records what it was asked. */
function stubChecker(answer: BreachCheckResult | Error): BreachChecker & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    isBreached(password) {
      seen.push(password);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
}

const withBreachCheck = { ...config, breachCheck: { ...config.breachCheck, enabled: true } };

describe('checkPasswordPolicy: length', () => {
  it('uses the documented defaults: 8 to 256 code points', () => {
    expect([config.minLength, config.maxLength, config.rejectCommon, config.breachCheck.enabled]).toEqual([
      8,
      256,
      true,
      false,
    ]);
  });

  it('accepts exactly 8 and rejects 7 code points, counting an emoji as one', async () => {
    expect(await reasonOf('😀🔑🦄🌍🚀🎉🐙🍕')).toBe('ok'); // 8 emoji = 16 UTF-16 units
    expect(await reasonOf('😀🔑🦄🌍🚀🎉🐙')).toBe('too_short');
    expect(await reasonOf('k7#qZ!p2')).toBe('ok');
    expect(await reasonOf('k7#qZ!p')).toBe('too_short');
    expect(await reasonOf('')).toBe('too_short');
  });

  it('accepts exactly 256 and rejects 257 code points of astral characters', async () => {
    const emoji = [...'😀🔑🦄🌍🚀🎉🐙🍕'];
    const of = (n: number) => Array.from({ length: n }, (_, i) => emoji[i % emoji.length]).join('');
    expect(of(256).length).toBe(512);
    expect(await reasonOf(of(256))).toBe('ok');
    expect(await reasonOf(of(257))).toBe('too_long');
    expect(await reasonOf('x'.repeat(100_000))).toBe('too_long');
  });

  it('counts after NFKC: a ligature is two characters, combining marks compose', async () => {
    expect(await reasonOf('\uFB01\uFB01\uFB01\uFB01')).toBe('ok'); // 'ﬁ'×4 → 'fifififi', 8
    expect(await reasonOf('\uFB01\uFB01\uFB01')).toBe('too_short');
    // 'e' + U+0301 composes to 'é': 16 code points typed, 8 after NFKC.
    expect(await reasonOf('e\u0301'.repeat(8))).toBe('ok');
    expect(await reasonOf('e\u0301'.repeat(7) + 'x')).toBe('ok');
    expect(await reasonOf('e\u0301'.repeat(7))).toBe('too_short');
  });

  it('applies the highSecurity minimum of 15', async () => {
    expect(highSecurity.minLength).toBe(15);
    const options = { config: highSecurity };
    expect(await reasonOf('q7!vB2#mZ9@wL4$', options)).toBe('ok'); // 15
    expect(await reasonOf('q7!vB2#mZ9@wL4', options)).toBe('too_short'); // 14
  });

  it('returns the NFKC form to hash and reports a disabled breach check', async () => {
    expect(await checkPasswordPolicy('\uFB01ne and dandy', { config })).toEqual({
      ok: true,
      normalized: 'fine and dandy',
      breachCheck: 'skipped',
    });
  });
});

describe('checkPasswordPolicy: identifier', () => {
  it("rejects passwords equal to or containing the email's local part (4+ characters)", async () => {
    expect(await reasonOf('xxadalovelacexx', { email: 'adalovelace@x' })).toBe('contains_identifier');
    expect(await reasonOf('adalovelace', { email: 'adalovelace@example.com' })).toBe('contains_identifier');
    expect(await reasonOf('My-AdaLovelace-2024', { email: 'ADALOVELACE@example.com' })).toBe(
      'contains_identifier',
    );
    expect(await reasonOf('pre-ĳssel-post', { email: 'ĳssel@example.nl' })).toBe('contains_identifier');
    // Compared after NFKC on both sides: 'ĳ' (U+0133) is 'ij'.
    expect(await reasonOf('pre-ijssel-post', { email: '\u0133ssel@example.nl' })).toBe('contains_identifier');
    expect(await reasonOf('xxadalovelacexx', { email: 'grace@x' })).toBe('ok');
  });

  it('does not check local parts under 4 characters', async () => {
    expect(await reasonOf('ada-velvet-otter', { email: 'ada@example.com' })).toBe('ok');
    expect(await reasonOf('grace-velvet-otter', { email: 'grace@example.com' })).toBe('contains_identifier');
    expect(await reasonOf('velvet-bob0-otter', { email: 'bob0@example.com' })).toBe('contains_identifier');
  });
});

describe('checkPasswordPolicy: common passwords', () => {
  it('knows the usual suspects, case-insensitively', () => {
    expect(commonPasswordCount()).toBeGreaterThan(10_000);
    for (const word of [
      'password',
      '123456789',
      'qwertyuiop',
      'iloveyou',
      'PassWord',
      'ILOVEYOU',
      'sunshine',
    ]) {
      expect(isCommonPassword(word), word).toBe(true);
    }
    expect(isCommonPassword(STRONG)).toBe(false);
    expect(isCommonPassword('')).toBe(false);
  });

  it('rejects common passwords, and only when rejectCommon is on', async () => {
    for (const word of ['password', '123456789', 'qwertyuiop', 'iloveyou', 'Password1', 'baseball']) {
      expect(await reasonOf(word), word).toBe('common');
    }
    expect(await reasonOf('Password', { config: { ...config, rejectCommon: false } })).toBe('ok');
    expect(await reasonOf(STRONG)).toBe('ok');
  });
});

describe('checkPasswordPolicy: breached', () => {
  it('asks the breach checker (with the NFKC form) only when the check is enabled', async () => {
    const breached = stubChecker(true);
    expect(await reasonOf(STRONG, { breachChecker: breached })).toBe('ok');
    expect(breached.seen).toEqual([]);
    expect(await reasonOf(`\uFB01${STRONG}`, { config: withBreachCheck, breachChecker: breached })).toBe(
      'breached',
    );
    expect(breached.seen).toEqual([`fi${STRONG}`]);
  });

  it("accepts when the checker says no or can't tell, and says which", async () => {
    const opts = (checker: BreachChecker) => ({ config: withBreachCheck, breachChecker: checker });
    expect(await checkPasswordPolicy(STRONG, opts(stubChecker(false)))).toMatchObject({
      ok: true,
      breachCheck: 'passed',
    });
    expect(await checkPasswordPolicy(STRONG, opts(stubChecker('unknown')))).toMatchObject({
      ok: true,
      breachCheck: 'unknown',
    });
    // A checker that throws is treated as an unreachable API, not a crash.
    expect(await checkPasswordPolicy(STRONG, opts(stubChecker(new Error('boom'))))).toMatchObject({
      ok: true,
      breachCheck: 'unknown',
    });
  });
});

describe('checkPasswordPolicy: order of checks', () => {
  it('reports the first failing check: length → identifier → common → breached', async () => {
    const breached = stubChecker(true);
    const all = { config: withBreachCheck, breachChecker: breached };
    expect(await reasonOf('123456', all)).toBe('too_short'); // short and common
    expect(await reasonOf('pass', { ...all, email: 'pass@example.com' })).toBe('too_short');
    expect(await reasonOf('password', { ...all, email: 'password@example.com' })).toBe('contains_identifier');
    expect(await reasonOf('sunshine', { ...all, email: 'shine@example.com' })).toBe('contains_identifier');
    expect(await reasonOf('sunshine', all)).toBe('common');
    expect(breached.seen).toEqual([]); // no network call for a password already refused
    expect(await reasonOf(STRONG, all)).toBe('breached');
    expect(breached.seen).toEqual([STRONG]);
  });
});
