import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRODUCTION_BIN } from '../helpers/process.js';
import { gatehouse, tempHome, without } from './helpers/cli.js';

const SECRET = 'JBSWY3DPEHPK3PXP';
const T0 = Date.parse('2031-03-01T09:00:00Z');
const MINUTE = 60_000;

/** The env at T0 + `minutes`, with or without the passphrase available. */
function at(env: NodeJS.ProcessEnv, minutes: number, { passphrase = false } = {}): NodeJS.ProcessEnv {
  const base = passphrase ? env : without(env, 'GATEHOUSE_VAULT_PASSPHRASE');
  return { ...base, GATEHOUSE_TEST_NOW: String(T0 + minutes * MINUTE) };
}

async function unlockedAtT0() {
  const home = await tempHome();
  const added = await gatehouse(
    ['totp', 'add', 'github', '--secret', SECRET],
    at(home.env, 0, { passphrase: true }),
  );
  expect(added.code).toBe(0);
  return home;
}

describe('session: 15 idle minutes', () => {
  it('stays open while used, each command extending it, and ends after 15 idle minutes', async () => {
    const { env } = await unlockedAtT0();
    expect((await gatehouse(['totp', 'list'], at(env, 14))).code).toBe(0);
    expect((await gatehouse(['totp', 'list'], at(env, 28))).code).toBe(0); // 14 min after the last use
    const expired = await gatehouse(['totp', 'code', 'github'], at(env, 28 + 16), { timeoutMs: 5_000 });
    expect(expired).toMatchObject({ code: 1, stdout: '' });
    expect(expired.stderr).toBe(
      'gatehouse totp code: the session ended after 15 idle minutes, and there is no terminal to ask for the passphrase: ' +
        'run the command in a terminal, or set GATEHOUSE_VAULT_PASSPHRASE\n',
    );
    // Ended means ended: going back in time does not revive it.
    expect((await gatehouse(['totp', 'list'], at(env, 29))).code).toBe(1);
    expect((await gatehouse(['totp', 'list'], at(env, 45, { passphrase: true }))).code).toBe(0);
  });

  it('asks again 16 minutes after an unlock', async () => {
    const { env } = await unlockedAtT0();
    const result = await gatehouse(['totp', 'list'], at(env, 16), { timeoutMs: 5_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the session ended after 15 idle minutes/);
  });

  it('the installed CLI ignores the test clock variable', async () => {
    const { env } = await unlockedAtT0();
    // The session was stamped at T0 (2031); the real clock is years before it: the session ends.
    const real = await gatehouse(['totp', 'list'], at(env, 1), { bin: PRODUCTION_BIN });
    expect(real.stderr).toMatch(/session ended/);
  });
});

describe('session: gatehouse lock and unlock', () => {
  it('lock ends the session at once', async () => {
    const home = await unlockedAtT0();
    expect((await readdir(home.runtimeDir)).length).toBe(1);
    const locked = await gatehouse(['lock'], at(home.env, 1));
    expect(locked).toMatchObject({ code: 0, stdout: '', stderr: 'Locked.\n' });
    expect(await readdir(home.runtimeDir)).toEqual([]);
    expect((await readdir(home.dataDir)).filter((name) => name.includes('session'))).toEqual([]);
    const after = await gatehouse(['totp', 'list'], at(home.env, 2));
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/the vault is locked, and there is no terminal/);
    expect((await gatehouse(['lock'], at(home.env, 3))).stderr).toBe(
      'Nothing to lock: no session was open.\n',
    );
  });

  it('unlock opens a session for the commands that follow', async () => {
    const { env } = await unlockedAtT0();
    await gatehouse(['lock'], at(env, 1));
    const unlocked = await gatehouse(['unlock'], at(env, 2, { passphrase: true }));
    expect(unlocked.code).toBe(0);
    expect(unlocked.stderr).toMatch(/^Unlocked until .* \(15 minutes, extended by each command\)/);
    expect((await gatehouse(['totp', 'list'], at(env, 10))).stdout).toMatch(/^github\t/);
  });
});

describe('session: runtime directory fallback (no XDG_RUNTIME_DIR)', () => {
  it('uses a private per-user directory under the temp dir', async () => {
    const home = await tempHome();
    const tmp = join(home.root, 'tmp');
    await mkdir(tmp);
    const env = { ...without(home.env, 'XDG_RUNTIME_DIR'), TMPDIR: tmp };
    expect((await gatehouse(['totp', 'add', 'github', '--secret', SECRET], env)).code).toBe(0);
    const fallback = join(tmp, `gatehouse-${process.getuid?.() ?? 0}`);
    expect((await stat(fallback)).mode & 0o777).toBe(0o700);
    expect((await readdir(fallback)).length).toBe(1);
    expect((await gatehouse(['totp', 'list'], without(env, 'GATEHOUSE_VAULT_PASSPHRASE'))).code).toBe(0);
  });

  it('refuses a fallback directory with loose permissions', async () => {
    const home = await tempHome();
    const tmp = join(home.root, 'tmp');
    const fallback = join(tmp, `gatehouse-${process.getuid?.() ?? 0}`);
    await mkdir(fallback, { recursive: true });
    await chmod(fallback, 0o777);
    const env = { ...without(home.env, 'XDG_RUNTIME_DIR'), TMPDIR: tmp };
    const result = await gatehouse(['totp', 'add', 'github', '--secret', SECRET], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `gatehouse totp add: ${fallback} has mode 777; refusing to use it (expected 700: remove it or chmod 700 it).\n`,
    );
  });
});
