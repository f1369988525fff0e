import { copyFile, readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  SESSION_IDLE_MS,
  endSession,
  resumeSession,
  sessionFiles,
  startSession,
} from '../../src/secure-files/session.js';
import { tempPaths } from './helpers/temp.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef');
const T0 = Date.parse('2030-01-01T00:00:00Z');
const MINUTE = 60_000;

async function setup() {
  const { root, paths } = await tempPaths();
  return { root, files: sessionFiles(paths, 'vault') };
}

describe('session files', () => {
  it('give the payload back within 15 minutes and extend at each use', async () => {
    const { files } = await setup();
    await startSession(files, KEY, T0);
    expect((await resumeSession(files, T0 + 14 * MINUTE)).payload).toEqual(KEY);
    expect((await resumeSession(files, T0 + 28 * MINUTE)).payload).toEqual(KEY);
    expect((await resumeSession(files, T0 + 42 * MINUTE)).payload).toEqual(KEY);
  });

  it('end after 15 idle minutes, and stay ended', async () => {
    const { files } = await setup();
    await startSession(files, KEY, T0);
    expect(await resumeSession(files, T0 + SESSION_IDLE_MS)).toEqual({ ended: 'expired' });
    expect(await resumeSession(files, T0)).toEqual({ ended: 'none' });
  });

  it('end when the clock goes back more than a minute', async () => {
    const { files } = await setup();
    await startSession(files, KEY, T0);
    expect(await resumeSession(files, T0 - 2 * MINUTE)).toEqual({ ended: 'expired' });
  });

  it('are private files, with no plaintext key in either', async () => {
    const { files } = await setup();
    await startSession(files, KEY, T0);
    for (const file of [files.secretFile, files.runtimeFile]) {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await readFile(file)).includes(KEY)).toBe(false);
    }
    expect((await stat(files.runtimeDir)).mode & 0o777).toBe(0o700);
  });

  it('make an old runtime file useless after a new unlock (the secret rotates)', async () => {
    const { root, files } = await setup();
    await startSession(files, KEY, T0);
    await copyFile(files.runtimeFile, `${root}/stolen`);
    await startSession(files, Buffer.from('another key, 32 bytes long......'), T0 + MINUTE);
    await copyFile(`${root}/stolen`, files.runtimeFile);
    expect(await resumeSession(files, T0 + 2 * MINUTE)).toEqual({ ended: 'invalid' });
  });

  it('open nothing from the runtime file alone', async () => {
    const { files } = await setup();
    await startSession(files, KEY, T0);
    await endSession({ ...files, runtimeFile: `${files.runtimeFile}.none` }); // deletes only the secret
    expect(await resumeSession(files, T0 + MINUTE)).toEqual({ ended: 'none' });
  });

  it('refuse a runtime file whose last use was moved forward', async () => {
    const { files } = await setup();
    await startSession(files, KEY, T0);
    const body = JSON.parse(await readFile(files.runtimeFile, 'utf8')) as { lastUsed: number };
    const { writeFile } = await import('node:fs/promises');
    await writeFile(files.runtimeFile, JSON.stringify({ ...body, lastUsed: T0 + 60 * MINUTE }));
    expect(await resumeSession(files, T0 + 70 * MINUTE)).toEqual({ ended: 'invalid' });
  });

  it('end at once with endSession', async () => {
    const { files } = await setup();
    await startSession(files, KEY, T0);
    expect(await endSession(files)).toBe(true);
    expect(await endSession(files)).toBe(false);
    expect(await resumeSession(files, T0)).toEqual({ ended: 'none' });
  });
});
