import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { base32Decode } from '../../src/totp/base32.js';
import { hotp, totpStep } from '../../src/totp/otp.js';
import { PASSPHRASE, gatehouse, tempHome, without } from './helpers/cli.js';
import { migrationPayload, migrationUri } from './helpers/protobuf.js';
import { vectors } from './helpers/vectors.js';

const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // "12345678901234567890"
const GITHUB_SECRET = 'JBSWY3DPEHPK3PXP';
const NOW = '2033-05-18T03:33:20Z'; // 2 000 000 000 s

function expectedCode(
  secret: string,
  algorithm: 'SHA1' | 'SHA256' | 'SHA512',
  digits: number,
  period = 30,
): string {
  return hotp(base32Decode(secret), totpStep(Date.parse(NOW), period), algorithm, digits);
}

describe('gatehouse totp: usage', () => {
  it('documents the commands and warns about secrets in arguments', async () => {
    const { env } = await tempHome();
    const top = await gatehouse(['--help'], env);
    expect(top.stdout).toMatch(/totp add\|list\|code/);
    expect(top.stdout).toMatch(/lock \| unlock/);
    const totp = await gatehouse(['totp', '--help'], env);
    expect(totp.code).toBe(0);
    expect(totp.stdout).toMatch(/code <name> \[--watch\]/);
    const add = await gatehouse(['totp', 'add', '--help'], env);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/shell history/);
    expect(add.stdout).toMatch(/--uri-stdin/);
    expect(add.stdout).toMatch(/--secret-stdin/);
  });

  it.each([
    [['totp'], /Usage: gatehouse totp/],
    [['totp', 'frobnicate'], /unknown command "frobnicate"/],
    [['totp', 'code'], /missing arguments\. Usage: gatehouse totp code <name>/],
    [['totp', 'list', 'extra'], /too many arguments/],
    [['totp', 'list', '--qr'], /--qr does not apply here; see gatehouse totp list --help/],
    [['totp', 'add', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['totp', 'add', 'x', '--secret', GITHUB_SECRET, '--digits', '9'], /unsupported digits 9/],
    [['totp', 'add', 'x', '--secret', GITHUB_SECRET, '--counter', '3'], /--counter needs --hotp/],
    [
      ['totp', 'add', 'x', '--uri', `otpauth://totp/x?secret=${GITHUB_SECRET}`, '--digits', '8'],
      /--digits cannot be combined with a URI/,
    ],
    [['totp', 'add', 'x', '--uri', 'u', '--secret', 's'], /use one of --uri, --secret, not several/],
    [['totp', 'add', 'x'], /no secret given: use --uri-stdin or --secret-stdin, or run in a terminal/],
    [['totp', 'add', '-x', '--secret', GITHUB_SECRET], /Unknown option/],
    [['audit', '--since', 'yesterday'], /expected an ISO time/],
    [['lock', 'now'], /Unexpected argument 'now'/],
  ])('%j is a usage error (exit 2, one line)', async (args, message) => {
    const { env } = await tempHome();
    const result = await gatehouse(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('fails (exit 1) when there is no vault to read from', async () => {
    const { env } = await tempHome();
    const result = await gatehouse(['totp', 'code', 'github'], env);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(
      'gatehouse totp code: there is no vault yet: add a secret first (gatehouse totp add <name>)\n',
    );
    expect((await gatehouse(['totp', 'list'], env)).stderr).toMatch(/No vault yet/);
  });
});

describe('gatehouse totp: add, list, code, rename, remove', () => {
  it('keeps entries from every input form and gives their codes', async () => {
    const home = await tempHome();
    const env = { ...home.env, GATEHOUSE_TEST_NOW: NOW };
    const add = await gatehouse(
      ['totp', 'add', 'github', '--secret', GITHUB_SECRET, '--issuer', 'GitHub', '--account', 'alice'],
      env,
    );
    expect(add).toMatchObject({ code: 0, stdout: '' });
    expect(add.stderr).toMatch(/Creating the vault .*vault\.\nAdded github \(totp SHA1 6 digits 30 s\)\./);
    const stdin = await gatehouse(
      ['totp', 'add', 'rfc256', '--secret-stdin', '--algorithm', 'sha256', '--digits', '8', '--period', '60'],
      env,
      {
        input: `${RFC_SECRET}\n`,
      },
    );
    expect(stdin.code).toBe(0);
    const uri = `otpauth://totp/ACME%20Co:bob?secret=${RFC_SECRET}&issuer=ACME%20Co&algorithm=SHA512&digits=7`;
    expect((await gatehouse(['totp', 'add', 'acme', '--uri-stdin'], env, { input: `${uri}\r\n` })).code).toBe(
      0,
    );
    expect((await gatehouse(['totp', 'add', 'counter', '--hotp', '--secret', RFC_SECRET], env)).code).toBe(0);

    const list = await gatehouse(['totp', 'list'], env);
    expect(list.stdout).toBe(
      [
        'acme\ttotp\tACME Co\tbob\tSHA512 7 digits 30 s',
        'counter\thotp\t-\t-\tSHA1 6 digits counter 0',
        'github\ttotp\tGitHub\talice\tSHA1 6 digits 30 s',
        'rfc256\ttotp\t-\t-\tSHA256 8 digits 60 s',
        '',
      ].join('\n'),
    );
    expect((await gatehouse(['totp', 'code', 'github'], env)).stdout).toBe(
      `${expectedCode(GITHUB_SECRET, 'SHA1', 6)}\n`,
    );
    expect((await gatehouse(['totp', 'code', 'rfc256'], env)).stdout).toBe(
      `${expectedCode(RFC_SECRET, 'SHA256', 8, 60)}\n`,
    );
    expect((await gatehouse(['totp', 'code', 'acme'], env)).stdout).toBe(
      `${expectedCode(RFC_SECRET, 'SHA512', 7)}\n`,
    );
  });

  it('steps and saves the HOTP counter at each code', async () => {
    const { env } = await tempHome();
    await gatehouse(['totp', 'add', 'h', '--hotp', '--secret', RFC_SECRET], env);
    const codes = [];
    for (let index = 0; index < 3; index++)
      codes.push((await gatehouse(['totp', 'code', 'h'], env)).stdout.trim());
    expect(codes).toEqual(vectors.hotp.values.slice(0, 3).map((value) => value.otp));
    expect((await gatehouse(['totp', 'list'], env)).stdout).toMatch(/counter 3/);
    await gatehouse(['totp', 'add', 'h9', '--hotp', '--counter', '9', '--secret', RFC_SECRET], env);
    expect((await gatehouse(['totp', 'code', 'h9'], env)).stdout).toBe('520489\n');
  });

  it('renames and removes, refusing duplicates and unknown names', async () => {
    const { env } = await tempHome();
    await gatehouse(['totp', 'add', 'one', '--secret', GITHUB_SECRET], env);
    await gatehouse(['totp', 'add', 'two', '--secret', RFC_SECRET], env);
    const duplicate = await gatehouse(['totp', 'add', 'one', '--secret', RFC_SECRET], env);
    expect(duplicate).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/an entry named "one" exists already/),
    });
    expect((await gatehouse(['totp', 'rename', 'one', 'two'], env)).stderr).toMatch(/"two" exists already/);
    expect((await gatehouse(['totp', 'rename', 'one', 'uno'], env)).stderr).toBe('Renamed one to uno.\n');
    const unknown = await gatehouse(['totp', 'code', 'ONE'], env);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toMatch(/no entry named "ONE"; see gatehouse totp list/);
    expect((await gatehouse(['totp', 'remove', 'two'], env)).stderr).toBe('Removed two.\n');
    expect((await gatehouse(['totp', 'list'], env)).stdout).toMatch(/^uno\ttotp/);
    expect((await gatehouse(['totp', 'list'], env)).stdout.split('\n')).toHaveLength(2);
  });
});

describe('gatehouse totp: export and import', () => {
  it('round-trips every entry through otpauth URIs into another vault', async () => {
    const source = await tempHome();
    const env = { ...source.env, GATEHOUSE_TEST_NOW: NOW };
    await gatehouse(
      ['totp', 'add', 'github', '--secret', GITHUB_SECRET, '--issuer', 'GitHub', '--account', 'alice'],
      env,
    );
    await gatehouse(
      ['totp', 'add', 'h', '--hotp', '--counter', '5', '--algorithm', 'SHA512', '--secret', RFC_SECRET],
      env,
    );
    const exported = await gatehouse(['totp', 'export'], env);
    expect(exported.stderr).toMatch(/contains the secrets/);
    expect(exported.stdout).toBe(
      `otpauth://totp/GitHub:alice?secret=${GITHUB_SECRET}&issuer=GitHub&algorithm=SHA1&digits=6&period=30\n` +
        `otpauth://hotp/h?secret=${RFC_SECRET}&algorithm=SHA512&digits=6&counter=5\n`,
    );
    const target = await tempHome();
    const targetEnv = { ...target.env, GATEHOUSE_TEST_NOW: NOW };
    await writeFile(join(target.root, 'export.txt'), `# my export\n\n${exported.stdout}`);
    const imported = await gatehouse(['totp', 'import', join(target.root, 'export.txt')], targetEnv);
    expect(imported.stderr).toMatch(/Imported 2 entries: GitHub:alice, h\./);
    expect((await gatehouse(['totp', 'code', 'GitHub:alice'], targetEnv)).stdout).toBe(
      (await gatehouse(['totp', 'code', 'github'], env)).stdout,
    );
    expect((await gatehouse(['totp', 'code', 'h'], targetEnv)).stdout).toBe(
      (await gatehouse(['totp', 'code', 'h'], env)).stdout,
    );
    const again = await gatehouse(['totp', 'import', '-'], targetEnv, { input: exported.stdout });
    expect(again.stderr).toMatch(/Imported 0 entries\.\nSkipped 2 that exist already: GitHub:alice, h\./);
  });

  it('draws QR codes', async () => {
    const { env } = await tempHome();
    await gatehouse(['totp', 'add', 'github', '--secret', GITHUB_SECRET], env);
    const qr = await gatehouse(['totp', 'export', 'github', '--qr'], env);
    expect(qr.code).toBe(0);
    expect(qr.stdout).toMatch(/^github\n/);
    expect(qr.stdout).toMatch(/[▀▄█]/);
    expect(qr.stdout).not.toContain(GITHUB_SECRET);
  });

  it('imports a Google Authenticator export', async () => {
    const { root, env } = await tempHome();
    const payload = migrationPayload([
      {
        secret: Buffer.from('12345678901234567890'),
        name: 'alice@example.com',
        issuer: 'Example',
        algorithm: 1,
        digits: 1,
        type: 2,
      },
      {
        secret: Buffer.from('12345678901234567890'),
        name: 'counter',
        algorithm: 1,
        digits: 1,
        type: 1,
        counter: 1,
      },
    ]);
    await writeFile(join(root, 'google.txt'), `${migrationUri(payload)}\n`);
    const result = await gatehouse(['totp', 'import', join(root, 'google.txt')], {
      ...env,
      GATEHOUSE_TEST_NOW: NOW,
    });
    expect(result.stderr).toMatch(/Imported 2 entries: Example:alice@example.com, counter\./);
    const code = await gatehouse(['totp', 'code', 'Example:alice@example.com'], {
      ...env,
      GATEHOUSE_TEST_NOW: NOW,
    });
    expect(code.stdout).toBe(`${expectedCode(RFC_SECRET, 'SHA1', 6)}\n`);
    expect((await gatehouse(['totp', 'code', 'counter'], env)).stdout).toBe('287082\n');
  });

  it('imports nothing when one line is bad', async () => {
    const home = await tempHome();
    await gatehouse(['totp', 'add', 'keep', '--secret', GITHUB_SECRET], home.env);
    const before = await readFile(home.vault);
    const file = join(home.root, 'bad.txt');
    await writeFile(
      file,
      `otpauth://totp/a?secret=${RFC_SECRET}\notpauth://totp/b?secret=${RFC_SECRET}&digits=12\n`,
    );
    const result = await gatehouse(['totp', 'import', file], home.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'gatehouse totp import: line 2: invalid otpauth URI: unsupported digits 12 (use 6, 7 or 8); nothing was imported\n',
    );
    expect(await readFile(home.vault)).toEqual(before);
    const md5 = migrationUri(
      migrationPayload([{ secret: Buffer.from('12345678901234567890'), name: 'm', algorithm: 4 }]),
    );
    const refused = await gatehouse(['totp', 'import', '-'], home.env, { input: md5 });
    expect(refused.stderr).toMatch(/line 1: account 1 \(m\) uses MD5, which Gatehouse refuses/);
    expect((await gatehouse(['totp', 'import', join(home.root, 'missing')], home.env)).stderr).toMatch(
      /cannot read/,
    );
  });
});

describe('gatehouse totp: files', () => {
  it('keeps private modes: 0700 directories, 0600 files', async () => {
    const home = await tempHome();
    await gatehouse(['totp', 'add', 'github', '--secret', GITHUB_SECRET], home.env);
    await gatehouse(['totp', 'code', 'github'], home.env);
    const mode = async (path: string) => (await stat(path)).mode & 0o777;
    expect(await mode(home.dataDir)).toBe(0o700);
    expect(await mode(home.vault)).toBe(0o600);
    expect(await mode(home.auditLog)).toBe(0o600);
    expect(await mode(join(home.dataDir, 'vault-session.key'))).toBe(0o600);
    expect(await mode(home.runtimeDir)).toBe(0o700);
  });

  it('uses the XDG directories without GATEHOUSE_HOME, and ~/.local without XDG', async () => {
    const xdg = await tempHome({ gatehouseHome: false });
    await gatehouse(['totp', 'add', 'github', '--secret', GITHUB_SECRET], xdg.env);
    expect(xdg.vault).toBe(join(xdg.root, 'xdg-data', 'gatehouse', 'vault'));
    expect((await stat(xdg.vault)).isFile()).toBe(true);
    expect((await stat(join(xdg.root, 'xdg-state', 'gatehouse', 'audit.log'))).isFile()).toBe(true);

    const plain = await tempHome({ gatehouseHome: false });
    const env = without(plain.env, 'XDG_DATA_HOME', 'XDG_STATE_HOME');
    await gatehouse(['totp', 'add', 'github', '--secret', GITHUB_SECRET], env);
    expect((await stat(join(plain.root, 'home', '.local', 'share', 'gatehouse', 'vault'))).mode & 0o777).toBe(
      0o600,
    );
    expect((await stat(join(plain.root, 'home', '.local', 'state', 'gatehouse', 'audit.log'))).isFile()).toBe(
      true,
    );
  });

  it('refuses a short passphrase for a new vault', async () => {
    const { env } = await tempHome();
    const result = await gatehouse(['totp', 'add', 'x', '--secret', GITHUB_SECRET], {
      ...env,
      GATEHOUSE_VAULT_PASSPHRASE: 'short',
    });
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/too short: use at least 8 characters/),
    });
  });
});

describe('gatehouse audit', () => {
  it('records the vault events, never a secret, passphrase or code', async () => {
    const home = await tempHome();
    const env = { ...home.env, GATEHOUSE_TEST_NOW: NOW };
    await gatehouse(['totp', 'add', 'github', '--secret', GITHUB_SECRET], env);
    const code = (await gatehouse(['totp', 'code', 'github'], env)).stdout.trim();
    await gatehouse(['totp', 'rename', 'github', 'gh'], env);
    await gatehouse(['totp', 'export'], env);
    await gatehouse(['lock'], env);
    await gatehouse(['totp', 'list'], { ...env, GATEHOUSE_VAULT_PASSPHRASE: 'not the passphrase' });
    await gatehouse(['totp', 'remove', 'gh'], env);

    const events = (await readFile(home.auditLog, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map(({ time: _time, ...event }) => event)).toEqual([
      { event: 'vault.changed', action: 'add', name: 'github', created: true },
      { event: 'vault.code_shown', name: 'github' },
      { event: 'vault.changed', action: 'rename', name: 'github', to: 'gh' },
      { event: 'vault.exported', count: 1, qr: false },
      { event: 'vault.lock' },
      { event: 'vault.unlock_failed', reason: 'wrong_passphrase' },
      { event: 'vault.unlock', source: 'environment' },
      { event: 'vault.changed', action: 'remove', name: 'gh' },
    ]);
    const log = await readFile(home.auditLog, 'utf8');
    for (const secret of [GITHUB_SECRET, PASSPHRASE, code, 'not the passphrase'])
      expect(log).not.toContain(secret);

    const shown = await gatehouse(['audit'], env);
    expect(shown.stdout).toMatch(
      /^2033-05-18T03:33:\d\d\.\d{3}Z {2}vault\.changed {2}action="add" {2}name="github" {2}created=true$/m,
    );
    expect(
      (await gatehouse(['audit', '--since', '1h'], { ...env, GATEHOUSE_TEST_NOW: '2033-05-19T00:00:00Z' }))
        .stdout,
    ).toBe('');
    expect(
      (await gatehouse(['audit', '--since', '2033-05-18', '--json'], env)).stdout.split('\n')[0],
    ).toMatch(/^\{"time":/);
  });
});
