import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../src/password/index.js';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

describe('PasswordHasher timing', () => {
  it('an unknown account (verifyDummy) costs about what a wrong password costs', async () => {
    // Enough memory that one verification takes milliseconds, not microseconds.
    const hasher = new PasswordHasher({ memoryKiB: 8_192, iterations: 2, parallelism: 1 });
    const stored = await hasher.hash('the real password');
    await hasher.warmUp(); // the dummy hash is made once; that first cost is not per request
    await hasher.verify(stored, 'warm-up');

    const N = 15;
    const wrong: number[] = [];
    const dummy: number[] = [];
    // Interleaved so that drift in machine load hits both series alike.
    for (let i = 0; i < N; i++) {
      wrong.push(await timed(() => hasher.verify(stored, `wrong password ${i}`)));
      dummy.push(await timed(() => hasher.verifyDummy(`unknown account ${i}`)));
    }
    const ratio = median(dummy) / median(wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
