import { hash as argon2Hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config/index.js';
import { PasswordHasher, PasswordTooLongError } from '../../src/password/index.js';

/** Small parameters keep most tests fast; one test below runs at the defaults. */
const FAST = { memoryKiB: 1_024, iterations: 1, parallelism: 1 };
const DEFAULTS = createConfig().passwords.argon2;

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(FAST);

  it('hashes with Argon2id at the configured (default) parameters and verifies', async () => {
    expect(DEFAULTS).toEqual({ memoryKiB: 19_456, iterations: 2, parallelism: 1 });
    const strong = new PasswordHasher(DEFAULTS);
    const phc = await strong.hash('correct horse battery staple');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(phc).not.toContain('correct');
    expect(await strong.verify(phc, 'correct horse battery staple')).toEqual({
      ok: true,
      needsRehash: false,
    });
    expect(await strong.verify(phc, 'correct horse battery stapl')).toEqual({
      ok: false,
      needsRehash: false,
    });
  });

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hasher.hash('same password'), hasher.hash('same password')]);
    expect(a).not.toBe(b);
    expect((await hasher.verify(a, 'same password')).ok).toBe(true);
    expect((await hasher.verify(b, 'same password')).ok).toBe(true);
  });

  it('verifies the NFKC-equivalent spelling of a password', async () => {
    const ligature = await hasher.hash('\uFB01ne print'); // 'ﬁ' ligature
    expect((await hasher.verify(ligature, 'fine print')).ok).toBe(true);
    const plain = await hasher.hash('fine print');
    expect((await hasher.verify(plain, '\uFB01ne print')).ok).toBe(true);

    const composed = await hasher.hash('caf\u00E9 au lait'); // é precomposed
    expect((await hasher.verify(composed, 'cafe\u0301 au lait')).ok).toBe(true); // e + combining acute
    const decomposed = await hasher.hash('cafe\u0301 au lait');
    expect((await hasher.verify(decomposed, 'caf\u00E9 au lait')).ok).toBe(true);
    // Equivalence is NFKC, not case folding or accent stripping.
    expect((await hasher.verify(composed, 'CAF\u00C9 AU LAIT')).ok).toBe(false);
    expect((await hasher.verify(composed, 'cafe au lait')).ok).toBe(false);
  });

  it('reports needsRehash when the stored parameters differ from the configured ones', async () => {
    const old = await new PasswordHasher({ memoryKiB: 8_192, iterations: 1, parallelism: 1 }).hash(
      'pw-rehash',
    );
    expect(old).toContain('$m=8192,t=1,p=1$');
    const current = new PasswordHasher({ memoryKiB: 19_456, iterations: 1, parallelism: 1 });
    expect(await current.verify(old, 'pw-rehash')).toEqual({ ok: true, needsRehash: true });
    expect(current.needsRehash(old)).toBe(true);

    const fresh = await current.hash('pw-rehash');
    expect(await current.verify(fresh, 'pw-rehash')).toEqual({ ok: true, needsRehash: false });
    expect(current.needsRehash(fresh)).toBe(false);

    // Each parameter counts on its own.
    for (const other of [
      { memoryKiB: 19_456, iterations: 2, parallelism: 1 },
      { memoryKiB: 19_456, iterations: 1, parallelism: 2 },
    ]) {
      expect(await new PasswordHasher(other).verify(fresh, 'pw-rehash')).toEqual({
        ok: true,
        needsRehash: true,
      });
    }
    // A wrong password never asks for a rehash.
    expect(await current.verify(old, 'wrong')).toEqual({ ok: false, needsRehash: false });
  });

  it('accepts an argon2i hash of the right password but asks for a rehash to argon2id', async () => {
    const argon2i = await argon2Hash('legacy pw', {
      memoryCost: 1_024,
      timeCost: 1,
      parallelism: 1,
      algorithm: 1,
    });
    expect(argon2i).toMatch(/^\$argon2i\$/);
    expect(await hasher.verify(argon2i, 'legacy pw')).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.verify(argon2i, 'other pw')).toEqual({ ok: false, needsRehash: false });
  });

  it('answers ok: false, never throws, for garbage, empty or foreign stored hashes', async () => {
    const good = await hasher.hash('pw');
    const stored: unknown[] = [
      '',
      'garbage',
      'pw',
      '$argon2id$',
      '$argon2id$v=19$m=1024,t=1,p=1$notbase64!!$@@@',
      good.slice(0, -10), // truncated
      good.replace('$argon2id$', '$argon2x$'),
      good.replace('m=1024', 'm=abc'),
      // A corrupted cost must not make one verification allocate 4 TiB.
      good.replace('m=1024', 'm=4294967295'),
      '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', // bcrypt
      '$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E',
      'pbkdf2_sha256$600000$salt$hash',
      null,
      undefined,
      42,
    ];
    for (const phc of stored) {
      await expect(hasher.verify(phc as string, 'pw')).resolves.toEqual({ ok: false, needsRehash: false });
      expect(hasher.needsRehash(phc as string)).toBe(true);
    }
  });

  it('verifyDummy does a verification and always fails, also for the dummy password space', async () => {
    const result = await hasher.verifyDummy('anything at all');
    expect(result).toEqual({ ok: false, needsRehash: false });
    await hasher.warmUp();
    expect(await hasher.verifyDummy('')).toEqual({ ok: false, needsRehash: false });
  });

  it('never hashes a password over the hard cap (4 × maxLength code points)', async () => {
    const capped = new PasswordHasher(FAST, { maxLength: 10 });
    expect(capped.hardCapCodePoints).toBe(40);
    const atCap = '😀'.repeat(40); // 40 code points, 80 UTF-16 units
    const phc = await capped.hash(atCap);
    expect((await capped.verify(phc, atCap)).ok).toBe(true);
    await expect(capped.hash('😀'.repeat(41))).rejects.toBeInstanceOf(PasswordTooLongError);
    await expect(capped.hash('a'.repeat(100_000))).rejects.toBeInstanceOf(PasswordTooLongError);
    // Over the cap, verify answers no without hashing, even for the right prefix.
    expect(await capped.verify(phc, atCap + '😀')).toEqual({ ok: false, needsRehash: false });
    expect(await capped.verifyDummy('x'.repeat(1_000))).toEqual({ ok: false, needsRehash: false });
    expect(new PasswordHasher(FAST).hardCapCodePoints).toBe(1_024); // 4 × the default 256
  });

  it('rejects unusable parameters at construction', () => {
    expect(() => new PasswordHasher({ memoryKiB: 0, iterations: 1, parallelism: 1 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ memoryKiB: 1_024, iterations: 1.5, parallelism: 1 })).toThrow(
      RangeError,
    );
  });

  it('hashes off the event loop: timers keep firing while 4 default-cost hashes run', async () => {
    const strong = new PasswordHasher(DEFAULTS);
    let ticks = 0;
    const interval = setInterval(() => ticks++, 1);
    let ticksWhenFirstDone = -1;
    try {
      await Promise.all(
        [1, 2, 3, 4].map(async (i) => {
          await strong.hash(`concurrent ${i}`);
          if (ticksWhenFirstDone < 0) ticksWhenFirstDone = ticks;
        }),
      );
    } finally {
      clearInterval(interval);
    }
    // Synchronous hashing would block the loop until every hash is done: 0 ticks.
    expect(ticksWhenFirstDone).toBeGreaterThan(0);
    expect(ticks).toBeGreaterThan(3);
  });
});
