import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/secure-files/file-lock.js';
import { tempDir } from './helpers/temp.js';

describe('withFileLock', () => {
  it('runs one holder at a time and removes the lock afterwards', async () => {
    const file = join(await tempDir(), 'vault');
    const events: string[] = [];
    const hold = (name: string) =>
      withFileLock(file, async () => {
        events.push(`${name} in`);
        expect(await readFile(`${file}.lock`, 'utf8')).toBe(String(process.pid));
        await new Promise((resolve) => setTimeout(resolve, 50));
        events.push(`${name} out`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
    await expect(readFile(`${file}.lock`)).rejects.toThrow(/ENOENT/);
  });

  it('takes over the lock of a dead process', async () => {
    const file = join(await tempDir(), 'vault');
    await writeFile(`${file}.lock`, '999999999');
    expect(await withFileLock(file, async () => 'done')).toBe('done');
  });

  it('releases the lock when the work fails', async () => {
    const file = join(await tempDir(), 'vault');
    await expect(withFileLock(file, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withFileLock(file, async () => 'again')).toBe('again');
  });
});
