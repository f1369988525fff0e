import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileStorage } from '@gatehouse/client/node';
import { sessionStorageAdapter, type ClientSession } from '../src/index.js';
import { fakeSetup } from './helpers/client-setup.js';
import { USER } from './helpers/fake-gatehouse.js';

const SESSION: ClientSession = {
  accessToken: 'a',
  refreshToken: 'r',
  sessionId: 's',
  user: USER,
  expiresAt: Date.UTC(2026, 0, 1),
};

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});
function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), 'gh-client-'));
  directories.push(directory);
  return directory;
}

describe('fileStorage (Node)', () => {
  it('writes the file 0600 in a 0700 directory it creates, and reads it back per key', async () => {
    const path = join(scratch(), 'config', 'gatehouse', 'session.json');
    const storage = fileStorage(path);
    await storage.set('work', SESSION);
    await storage.set('home', { ...SESSION, accessToken: 'b' });

    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    expect(await storage.get('work')).toEqual(SESSION);
    expect(await fileStorage(path).get('home')).toMatchObject({ accessToken: 'b' });
    await storage.remove('work');
    expect(await storage.get('work')).toBeNull();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toHaveProperty('home');
  });

  it('replaces the file by rename: concurrent writes leave one whole file and no temporaries', async () => {
    const directory = scratch();
    const path = join(directory, 'session.json');
    const storage = fileStorage(path);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => storage.set(`key-${i}`, { ...SESSION, accessToken: `a${i}` })),
    );
    expect(readdirSync(directory)).toEqual(['session.json']);
    const all = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(all)).toHaveLength(20);
  });

  it('no file, or an unreadable one, is no session', async () => {
    const directory = scratch();
    expect(await fileStorage(join(directory, 'none.json')).get('k')).toBeNull();
    const path = join(directory, 'bad.json');
    writeFileSync(path, '{"k": {"accessToken"', { mode: 0o600 });
    expect(await fileStorage(path).get('k')).toBeNull();
  });

  it('a client keeps its session in the file across restarts', async () => {
    const path = join(scratch(), 'session.json');
    const first = fakeSetup({}, { storage: fileStorage(path) });
    await first.client.login({ email: 'ada@example.com', password: 'pw' });
    first.client.close();
    const restarted = fakeSetup({}, { storage: fileStorage(path), fetch: first.server.fetch });
    await expect(restarted.client.me()).resolves.toMatchObject({ user: { id: 'user-1' } });
  });
});

describe('sessionStorageAdapter', () => {
  it('keeps JSON per key; a foreign or broken value reads as no session', async () => {
    const items = new Map<string, string>();
    const storage = sessionStorageAdapter({
      getItem: (key) => items.get(key) ?? null,
      setItem: (key, value) => void items.set(key, value),
      removeItem: (key) => void items.delete(key),
    });
    await storage.set('k', SESSION);
    expect(await storage.get('k')).toEqual(SESSION);
    items.set('k', '{"accessToken": 1}');
    expect(await storage.get('k')).toBeNull();
    items.set('k', 'not json');
    expect(await storage.get('k')).toBeNull();
    await storage.remove('k');
    expect(items.has('k')).toBe(false);
  });

  it('refuses to start without a sessionStorage (Node) rather than keep nothing', () => {
    expect(() => sessionStorageAdapter()).toThrow(/sessionStorage is not available/);
  });
});
