import { copyFile, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse, tempHome, type TempHome } from '../totp/helpers/cli.js';
import { PASSWORD, call, serverWithUsers, storedSession, type TestServer } from './helpers/server.js';

const EMAIL = 'ada@example.com';
const MINUTE = 60_000;

let server: TestServer;
beforeAll(async () => {
  server = await serverWithUsers([EMAIL]);
});
afterAll(async () => {
  await server?.stop();
});

function login(home: TempHome, ...extra: string[]) {
  return gatehouse(
    ['login', '--server', server.url, '--email', EMAIL, '--password-stdin', ...extra],
    home.env,
    {
      input: `${PASSWORD}\n`,
    },
  );
}

/** Where the sign-in files of a home are (see docs/cli-login.md). */
async function loginFiles(home: TempHome, stateDir: string) {
  const runtime = await readdir(home.runtimeDir).catch(() => []);
  return {
    session: join(stateDir, 'login-session'),
    keys: runtime.filter((name) => name.startsWith('login-key-')).map((name) => join(home.runtimeDir, name)),
  };
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('gatehouse login against a real server', () => {
  it('signs in, shows the session, revokes another device, and logs out everywhere', async () => {
    // The first home uses the XDG layout, the second GATEHOUSE_HOME.
    const first = await tempHome({ gatehouseHome: false });
    const second = await tempHome();
    const firstState = join(first.root, 'xdg-state', 'gatehouse');

    const signedIn = await login(first);
    expect(signedIn).toMatchObject({ code: 0, stdout: '' });
    expect(signedIn.stderr).toBe(`Signed in to ${server.url} as ${EMAIL}.\n`);

    // Files: 0600 in 0700 directories; the session file in the state dir, its key in the runtime dir.
    const files = await loginFiles(first, firstState);
    expect(files.keys).toHaveLength(1);
    expect(await mode(firstState)).toBe(0o700);
    expect(await mode(files.session)).toBe(0o600);
    expect(await mode(first.runtimeDir)).toBe(0o700);
    expect(await mode(files.keys[0]!)).toBe(0o600);
    const stored = await storedSession(first.env);
    expect(stored.tokens.refreshToken).toMatch(/^rt1\./);
    const onDisk = await readFile(files.session, 'utf8');
    expect(onDisk).not.toContain('rt1.');
    expect(onDisk).not.toContain(stored.tokens.refreshToken.slice(-20));
    expect(onDisk).not.toContain(stored.tokens.accessToken.split('.')[1]!);

    const status = await gatehouse(['status'], first.env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Signed in to ${server.url} as ${EMAIL}`);
    expect(status.stdout).toContain(stored.header.sessionId);
    expect(status.stdout).toMatch(/idle timeout {3}\S+ \(in 15 minutes/);

    const whoami = await gatehouse(['whoami'], first.env);
    expect(whoami).toMatchObject({ code: 0, stderr: '' });
    expect(whoami.stdout).toMatch(
      new RegExp(`^${EMAIL}\\t[0-9a-f-]{36}\\tuser\\tmfa off\\t${server.url}\\n$`),
    );

    const one = await gatehouse(['sessions'], first.env);
    expect(one.code).toBe(0);
    expect(one.stdout.replace(/\n$/, '').split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^\\*\\t${stored.header.sessionId}\\t`)),
    ]);
    expect(one.stdout).toContain('gatehouse-cli');

    // A second device; the first revokes it.
    expect((await login(second)).code).toBe(0);
    const secondSession = (await storedSession(second.env)).header.sessionId;
    const two = await gatehouse(['sessions'], first.env);
    const lines = two.stdout.replace(/\n$/, '').split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith('*\t'))).toEqual([
      expect.stringContaining(stored.header.sessionId),
    ]);
    expect(lines.filter((line) => line.startsWith(' \t'))).toEqual([expect.stringContaining(secondSession)]);

    const revoked = await gatehouse(['sessions', 'revoke', '--others'], first.env);
    expect(revoked).toMatchObject({ code: 0, stderr: 'Revoked 1 other session.\n' });
    const kicked = await gatehouse(['whoami'], second.env);
    expect(kicked).toMatchObject({ code: 1, stdout: '' });
    expect(kicked.stderr).toBe(
      'gatehouse whoami: the session was revoked on the server (signed out elsewhere, by an admin or by a password change); ' +
        'the local sign-in was deleted; run gatehouse login\n',
    );
    expect(await readdir(second.dataDir)).not.toContain('login-session');
    expect((await gatehouse(['whoami'], second.env)).stderr).toMatch(/not signed in; run gatehouse login/);

    // Logout: revoked on the server (the refresh token is dead), and nothing left locally.
    const latest = await storedSession(first.env);
    const loggedOut = await gatehouse(['logout'], first.env);
    expect(loggedOut).toMatchObject({ code: 0, stderr: `Signed out of ${server.url}.\n` });
    const refresh = await call(server.url, 'POST', '/auth/refresh', {
      refreshToken: latest.tokens.refreshToken,
    });
    expect(refresh.status).toBe(401);
    expect(await readdir(firstState)).toEqual(['audit.log']);
    expect(await readdir(first.runtimeDir)).toEqual([]);
    expect((await gatehouse(['status'], first.env)).code).toBe(1);
    expect((await gatehouse(['logout'], first.env)).stderr).toBe('Nothing to sign out of: not signed in.\n');

    // The audit logs name events, servers and accounts, never a token.
    const firstLog = await readFile(first.auditLog, 'utf8');
    const events = firstLog
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { event: string }).event);
    expect(events).toEqual(['server.login', 'server.sessions_revoked', 'server.logout']);
    expect(firstLog).toContain(`"server":"${server.url}","email":"${EMAIL}"`);
    const secondLog = await readFile(second.auditLog, 'utf8');
    expect(secondLog).toContain('"event":"server.session_revoked_remotely"');
    for (const log of [firstLog, secondLog]) {
      expect(log).not.toMatch(/rt1\.|eyJ/);
    }
  });

  it('a copy of the session file without its runtime key opens nothing', async () => {
    const home = await tempHome();
    expect((await login(home)).code).toBe(0);
    const thief = await tempHome();
    await mkdir(thief.dataDir, { recursive: true, mode: 0o700 });
    await copyFile(join(home.dataDir, 'login-session'), join(thief.dataDir, 'login-session'));
    const result = await gatehouse(['whoami'], thief.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^gatehouse whoami: the sign-in to \S+ ended: its key in \S+ is gone/);
  });

  it('a wrong password fails with one line (exit 1) and is audited', async () => {
    const home = await tempHome();
    const result = await gatehouse(
      ['login', '--server', server.url, '--email', EMAIL, '--password-stdin'],
      home.env,
      { input: 'not the password\n' },
    );
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'gatehouse login: wrong email or password\n',
    });
    expect(await readFile(home.auditLog, 'utf8')).toMatch(
      /"event":"server.login_failed".*"reason":"invalid_credentials"/,
    );
  });

  it('refuses plain http to a non-loopback address unless --insecure-http', async () => {
    const home = await tempHome();
    // 0.0.0.0 reaches this machine's server but is not a loopback address.
    const other = server.url.replace('127.0.0.1', '0.0.0.0');
    const args = ['login', '--server', other, '--email', EMAIL, '--password-stdin'];
    const refused = await gatehouse(args, home.env, { input: `${PASSWORD}\n` });
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toMatch(
      /^gatehouse login: refusing http:\/\/0\.0\.0\.0:\d+: over plain http .* --insecure-http/,
    );
    const allowed = await gatehouse([...args, '--insecure-http'], home.env, { input: `${PASSWORD}\n` });
    expect(allowed).toMatchObject({ code: 0, stderr: `Signed in to ${other} as ${EMAIL}.\n` });
  });

  it('ends after 15 idle minutes (test clock): the next command asks to log in again', async () => {
    const home = await tempHome();
    const t0 = Date.now();
    const at = (minutes: number) => ({ ...home.env, GATEHOUSE_TEST_NOW: String(t0 + minutes * MINUTE) });
    const signedIn = await gatehouse(
      ['login', '--server', server.url, '--email', EMAIL, '--password-stdin'],
      at(0),
      { input: `${PASSWORD}\n` },
    );
    expect(signedIn.code).toBe(0);
    // 14 idle minutes: still open, and the command extends it (its access token gets refreshed too).
    expect((await gatehouse(['whoami'], at(14))).code).toBe(0);
    expect((await gatehouse(['sessions'], at(28))).code).toBe(0);
    const { tokens } = await storedSession(home.env);
    const expired = await gatehouse(['whoami'], at(28 + 16));
    expect(expired).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'gatehouse whoami: the session ended after 15 idle minutes; run gatehouse login again\n',
    });
    expect(await readdir(home.dataDir)).not.toContain('login-session');
    // The idle end also revoked the session on the server.
    const refresh = await call(server.url, 'POST', '/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(refresh.status).toBe(401);
    expect(await readFile(home.auditLog, 'utf8')).toContain('"event":"server.session_expired"');
  });
});
