import { chmod, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensurePrivateDir, readPrivateFile, writeFileAtomic } from '../../src/secure-files/private-fs.js';
import { tempDir } from './helpers/temp.js';

describe('ensurePrivateDir', () => {
  it('creates a 0700 directory', async () => {
    const dir = join(await tempDir(), 'a', 'b');
    await ensurePrivateDir(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('tightens a loose directory it owns, unless strict', async () => {
    const dir = join(await tempDir(), 'loose');
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    await expect(ensurePrivateDir(dir, { strict: true })).rejects.toThrow(/has mode 755; refusing to use it/);
    await ensurePrivateDir(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('refuses a symlink when strict', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'target'), { mode: 0o700 });
    await symlink(join(root, 'target'), join(root, 'link'));
    await expect(ensurePrivateDir(join(root, 'link'), { strict: true })).rejects.toThrow(/symlink/);
  });
});

describe('writeFileAtomic', () => {
  it('writes a 0600 file and leaves no temp file', async () => {
    const dir = await tempDir();
    const file = join(dir, 'vault');
    await writeFileAtomic(file, Buffer.from('one'));
    await writeFileAtomic(file, Buffer.from('two'));
    expect(await readFile(file, 'utf8')).toBe('two');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['vault']);
  });

  it('leaves the old file when the write fails before the rename', async () => {
    const dir = await tempDir();
    const file = join(dir, 'vault');
    await writeFileAtomic(file, Buffer.from('old'));
    const failing = writeFileAtomic(file, Buffer.from('new'), {
      beforeRename: () => Promise.reject(new Error('crash')),
    });
    await expect(failing).rejects.toThrow('crash');
    expect(await readFile(file, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['vault']);
  });

  it('removes temp files of dead writers, not of live ones', async () => {
    const dir = await tempDir();
    const file = join(dir, 'vault');
    await writeFile(join(dir, 'vault.tmp-999999999-abcd'), 'orphan');
    await writeFile(join(dir, `vault.tmp-${process.ppid}-abcd`), 'live writer');
    await writeFileAtomic(file, Buffer.from('x'));
    expect((await readdir(dir)).sort()).toEqual(['vault', `vault.tmp-${process.ppid}-abcd`]);
  });
});

describe('readPrivateFile', () => {
  it('returns undefined for a missing file and repairs loose permissions', async () => {
    const dir = await tempDir();
    expect(await readPrivateFile(join(dir, 'none'))).toBeUndefined();
    await writeFile(join(dir, 'f'), 'data', { mode: 0o644 });
    await chmod(join(dir, 'f'), 0o644);
    expect((await readPrivateFile(join(dir, 'f')))?.toString()).toBe('data');
    expect((await stat(join(dir, 'f'))).mode & 0o777).toBe(0o600);
  });
});
