import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithCommand } from '../../../core/test/helpers/real-backends.js';
import { freePort } from '../helpers/process.js';
import { gatehouse, tempHome, without } from '../totp/helpers/cli.js';
import { tempDir } from '../totp/helpers/temp.js';
import { PASSWORD, serverWithUsers, type TestServer } from './helpers/server.js';
import { Terminal } from './helpers/tmux.js';

/**
 * `gatehouse login` without --server goes where `gatehouse serve` with the same environment
 * listens (GATEHOUSE_PUBLIC_URL, else localhost:$PORT, else :3000) and says which server that
 * is before anything is asked.
 */
const EMAIL = 'ada@example.com';

let server: TestServer;
let port: string;
beforeAll(async () => {
  server = await serverWithUsers([EMAIL]);
  port = new URL(server.url).port;
});
afterAll(async () => {
  await server?.stop();
});

async function login(env: NodeJS.ProcessEnv) {
  const home = await tempHome();
  const vars = { ...without(home.env, 'PORT', 'GATEHOUSE_PUBLIC_URL'), ...env };
  return gatehouse(['login', '--email', EMAIL, '--password-stdin'], vars, { input: `${PASSWORD}\n` });
}

describe('gatehouse login without --server', () => {
  it('signs in to localhost on PORT, saying so first', async () => {
    const result = await login({ PORT: port });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.split('\n')).toEqual([
      `Signing in to http://localhost:${port} (from PORT; --server <url> for another).`,
      `Signed in to http://localhost:${port} as ${EMAIL}.`,
      '',
    ]);
  });

  it('prefers GATEHOUSE_PUBLIC_URL to PORT, as the server does', async () => {
    const result = await login({ GATEHOUSE_PUBLIC_URL: `${server.url}/`, PORT: String(await freePort()) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(
        `^Signing in to ${server.url} \\(from GATEHOUSE_PUBLIC_URL; --server <url> for another\\)\\.\n`,
      ),
    );
  });

  it('names the server it tried when nothing answers there', async () => {
    const closed = String(await freePort());
    const result = await login({ PORT: closed });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Signing in to http://localhost:${closed} (from PORT;`);
    expect(result.stderr).toContain(`cannot reach http://localhost:${closed}`);
  });

  it('without PORT or GATEHOUSE_PUBLIC_URL it is localhost:3000, announced before the email is asked for', async () => {
    const home = await tempHome();
    // No --email and no terminal: it stops at the email, before any request.
    const result = await gatehouse(['login'], without(home.env, 'PORT', 'GATEHOUSE_PUBLIC_URL'));
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      'Signing in to http://localhost:3000 (the default; --server <url> for another).',
    );
  });

  it('refuses a PORT or GATEHOUSE_PUBLIC_URL that is no server address, naming the variable', async () => {
    const badPort = await login({ PORT: 'http' });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/PORT=http is not a port number \(1-65535\); use --server <url>/);
    const badUrl = await login({ GATEHOUSE_PUBLIC_URL: 'http://auth.example.com' });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/refusing http:\/\/auth\.example\.com: over plain http/);
  });
});

describeWithCommand('tmux', 'gatehouse login without --server on a terminal (tmux)', () => {
  it('shows the server before the password prompt', async () => {
    const home = await tempHome();
    const terminal = Terminal.start(await tempDir('gh-login-tty-'), { ...home.env, PORT: port }, [
      'login',
      '--email',
      EMAIL,
    ]);
    try {
      await terminal.answer('Password:', PASSWORD);
      await terminal.waitFor('EXIT=');
      const screen = terminal.screen();
      const announced = screen.indexOf(`Signing in to http://localhost:${port} (from PORT;`);
      expect(announced, screen).toBeGreaterThanOrEqual(0);
      expect(announced).toBeLessThan(screen.indexOf('Password:'));
      expect(screen).toContain(`Signed in to http://localhost:${port} as ${EMAIL}.`);
      expect(screen).toContain('EXIT=0');
    } finally {
      terminal.close();
    }
  });
});
