import type * as Argon2 from '@node-rs/argon2';
import { describe, expect, it, vi } from 'vitest';

// The native verify can fail after the stored hash parsed fine (memory
// exhaustion, an aborted task): the hasher must still answer "no match".
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof Argon2>();
  return { ...actual, verify: () => Promise.reject(new Error('cannot allocate memory')) };
});

const { PasswordHasher } = await import('../../src/password/index.js');

describe('PasswordHasher when the native verification fails', () => {
  it('answers ok: false instead of throwing', async () => {
    const hasher = new PasswordHasher({ memoryKiB: 1_024, iterations: 1, parallelism: 1 });
    const phc = await hasher.hash('pw');
    await expect(hasher.verify(phc, 'pw')).resolves.toEqual({ ok: false, needsRehash: false });
    await expect(hasher.verifyDummy('pw')).resolves.toEqual({ ok: false, needsRehash: false });
  });
});
