import { spawn } from 'node:child_process';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, waitFor } from '../helpers/process.js';
import { PASSPHRASE, gatehouse, tempHome, without } from './helpers/cli.js';

const SECRET = 'JBSWY3DPEHPK3PXP';

/** A home with one entry and no open session (every command has to unlock). */
async function lockedVault() {
  const home = await tempHome();
  expect((await gatehouse(['totp', 'add', 'github', '--secret', SECRET], home.env)).code).toBe(0);
  expect((await gatehouse(['lock'], home.env)).code).toBe(0);
  return { home, before: await readFile(home.vault) };
}

describe('vault: wrong passphrase', () => {
  it('fails with exit 1 and a clear message, and leaves the vault as it was', async () => {
    const { home, before } = await lockedVault();
    const env = { ...home.env, GATEHOUSE_VAULT_PASSPHRASE: `${PASSPHRASE}!` };
    for (const args of [
      ['totp', 'code', 'github'],
      ['totp', 'remove', 'github'],
      ['totp', 'add', 'x', '--secret', SECRET],
    ]) {
      const result = await gatehouse(args, env);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /^gatehouse totp \w+: wrong passphrase \(or the vault header was modified\); nothing was changed\n$/,
      );
      expect(await readFile(home.vault)).toEqual(before);
    }
    expect((await gatehouse(['totp', 'code', 'github'], home.env)).code).toBe(0);
  });
});

describe('vault: tampering', () => {
  it('detects a modified body, opens no session, and changes nothing', async () => {
    const { home, before } = await lockedVault();
    const tampered = Buffer.from(before);
    tampered[tampered.length - 20] = (tampered[tampered.length - 20] ?? 0) ^ 0x40;
    await writeFile(home.vault, tampered);
    const result = await gatehouse(['totp', 'list'], home.env);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(
      'gatehouse totp list: the vault failed its integrity check: the file was modified or damaged. It was left as it is; restore it from a backup\n',
    );
    const afterwards = await gatehouse(['totp', 'list'], without(home.env, 'GATEHOUSE_VAULT_PASSPHRASE'));
    expect(afterwards.stderr).toMatch(/the vault is locked, and there is no terminal/);
    expect(await readFile(home.vault)).toEqual(tampered);
    expect(await readFile(home.auditLog, 'utf8')).toMatch(/"reason":"integrity"/);
  });

  it('detects a modified body while a session is open', async () => {
    const home = await tempHome();
    await gatehouse(['totp', 'add', 'github', '--secret', SECRET], home.env);
    const vault = await readFile(home.vault);
    vault[vault.length - 1] = (vault[vault.length - 1] ?? 0) ^ 1;
    await writeFile(home.vault, vault);
    const result = await gatehouse(
      ['totp', 'code', 'github'],
      without(home.env, 'GATEHOUSE_VAULT_PASSPHRASE'),
    );
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/integrity check/);
  });

  it('refuses a modified header', async () => {
    const { home, before } = await lockedVault();
    const text = before.toString('latin1');
    const weakened = text.replace(/"iterations":\d+/, '"iterations":2');
    await writeFile(home.vault, Buffer.from(weakened, 'latin1'));
    const result = await gatehouse(['totp', 'list'], home.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/wrong passphrase \(or the vault header was modified\)/);
    await writeFile(
      home.vault,
      Buffer.from(text.replace('gatehouse-vault v1', 'gatehouse-vault v9'), 'latin1'),
    );
    expect((await gatehouse(['totp', 'list'], home.env)).stderr).toMatch(
      /the vault file is damaged or not a Gatehouse vault \(it does not start like a Gatehouse vault\); it was left as it is/,
    );
  });
});

describe('vault: crash during a write', () => {
  it('keeps the old vault intact and readable when killed -9 between temp file and rename', async () => {
    const { home, before } = await lockedVault();
    const marker = join(home.root, 'paused');
    const env = { ...home.env, GATEHOUSE_TEST_PAUSE_BEFORE_RENAME: marker };
    const child = spawn(
      process.execPath,
      [BIN, 'totp', 'add', 'second', '--secret', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'],
      {
        env,
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    // The marker names the temp file once it is written (it exists, empty, a moment before).
    await waitFor(
      () =>
        readFile(marker, 'utf8').then(
          (text) => text !== '',
          () => false,
        ),
      10_000,
      20,
    );
    const temp = await readFile(marker, 'utf8');
    expect((await stat(temp)).size).toBeGreaterThan(before.length); // the new vault was fully written
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    expect(await readFile(home.vault)).toEqual(before);
    const list = await gatehouse(['totp', 'list'], home.env);
    expect(list).toMatchObject({ code: 0, stdout: 'github\ttotp\t-\t-\tSHA1 6 digits 30 s\n' });
    // The next write completes and clears the dead writer's temp file.
    expect(
      (await gatehouse(['totp', 'add', 'second', '--secret', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'], home.env))
        .code,
    ).toBe(0);
    expect((await readdir(home.dataDir)).filter((name) => /\.tmp-|\.lock$/.test(name))).toEqual([]);
    expect((await gatehouse(['totp', 'list'], home.env)).stdout.split('\n')).toHaveLength(3);
  });
});

describe('vault: concurrent commands', () => {
  const names = (list: string) =>
    list
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t')[0]);

  it('never lose a change: each concurrent add is saved or refused, never dropped', async () => {
    const home = await tempHome();
    await gatehouse(['totp', 'add', 'first', '--secret', SECRET], home.env);
    const added = ['a', 'b', 'c', 'd'];
    const results = await Promise.all(
      added.map((name) => gatehouse(['totp', 'add', name, '--secret', SECRET], home.env)),
    );
    for (const result of results.filter((result) => result.code !== 0)) {
      expect(result).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/changed the vault meanwhile; nothing was saved/),
      });
    }
    const saved = added.filter((_, index) => results[index]?.code === 0);
    expect(saved.length).toBeGreaterThan(0);
    const listed = names((await gatehouse(['totp', 'list'], home.env)).stdout);
    expect(listed.sort()).toEqual(['first', ...saved].sort());
  });

  it('never show a HOTP code twice', async () => {
    const home = await tempHome();
    await gatehouse(['totp', 'add', 'h', '--hotp', '--secret', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'], home.env);
    const results = await Promise.all([1, 2, 3, 4].map(() => gatehouse(['totp', 'code', 'h'], home.env)));
    const shown = results.filter((result) => result.code === 0).map((result) => result.stdout.trim());
    expect(new Set(shown).size).toBe(shown.length);
    expect((await gatehouse(['totp', 'list'], home.env)).stdout).toMatch(
      new RegExp(`counter ${shown.length}\n`),
    );
  });
});

describe('vault: gatehouse totp passwd', () => {
  it('re-keys: the old passphrase stops working, the new one works, the entries stay', async () => {
    const { home } = await lockedVault();
    const NEW = 'a brand new passphrase';
    const changed = await gatehouse(['totp', 'passwd'], { ...home.env, GATEHOUSE_VAULT_NEW_PASSPHRASE: NEW });
    expect(changed).toMatchObject({ code: 0, stderr: 'Passphrase changed; the vault is re-encrypted.\n' });
    await gatehouse(['lock'], home.env);
    expect((await gatehouse(['totp', 'list'], home.env)).stderr).toMatch(/wrong passphrase/);
    const list = await gatehouse(['totp', 'list'], { ...home.env, GATEHOUSE_VAULT_PASSPHRASE: NEW });
    expect(list.stdout).toMatch(/^github\t/);
    expect(await readFile(home.auditLog, 'utf8')).toMatch(/"action":"passwd"/);
  });

  it('asks for the current passphrase even in an open session, and needs a new one', async () => {
    const home = await tempHome();
    await gatehouse(['totp', 'add', 'github', '--secret', SECRET], home.env);
    const before = await readFile(home.vault);
    const noCurrent = await gatehouse(['totp', 'passwd'], without(home.env, 'GATEHOUSE_VAULT_PASSPHRASE'));
    expect(noCurrent.code).toBe(1);
    expect(noCurrent.stderr).toMatch(
      /a passphrase change needs the current passphrase, and there is no terminal/,
    );
    const noNew = await gatehouse(['totp', 'passwd'], home.env);
    expect(noNew.code).toBe(1);
    expect(noNew.stderr).toMatch(
      /a new passphrase is needed and there is no terminal to ask for it: set GATEHOUSE_VAULT_NEW_PASSPHRASE/,
    );
    expect(await readFile(home.vault)).toEqual(before);
  });
});
