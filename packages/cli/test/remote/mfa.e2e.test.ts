import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseOtpauthUri } from '../../src/totp/otpauth-uri.js';
import { entryCode } from '../../src/totp/otp.js';
import { describeWithCommand, gatehouse, tempHome } from '../totp/helpers/cli.js';
import { PASSWORD, call, serverWithUsers, type TestServer } from './helpers/server.js';
import { Terminal } from './helpers/tmux.js';

const EMAIL = 'mfa@example.com';
const TTY_EMAIL = 'tty@example.com';

let server: TestServer;
beforeAll(async () => {
  server = await serverWithUsers([EMAIL, TTY_EMAIL]);
});
afterAll(async () => {
  await server?.stop();
});

/** Enrols TOTP over HTTP and returns the otpauth:// URI the server handed out. */
async function enrolTotp(email = EMAIL): Promise<string> {
  const signedIn = await call(server.url, 'POST', '/auth/login', { email, password: PASSWORD });
  expect(signedIn.status).toBe(200);
  const token = signedIn.body!.accessToken as string;
  const setup = await call(server.url, 'POST', '/auth/mfa/totp/setup', undefined, token);
  expect(setup.status).toBe(200);
  const uri = setup.body!.otpauthUrl as string;
  // The previous step's code (accepted within the ±1 window): each step counts once, and
  // the CLI's login below must be free to use the current one.
  const code = totpCode(uri, Date.now() - 30_000);
  const confirmed = await call(server.url, 'POST', '/auth/mfa/totp/confirm', { code }, token);
  expect(confirmed.status).toBe(200);
  return uri;
}

function totpCode(uri: string, time: number): string {
  return entryCode({ ...parseOtpauthUri(uri).entry, name: 'x' }, time);
}

describe('gatehouse login with a second factor', () => {
  it('answers the TOTP challenge with the code of a vault entry (--totp), without a prompt', async () => {
    const home = await tempHome();
    const uri = await enrolTotp();
    const added = await gatehouse(['totp', 'add', 'gatehouse-server', '--uri-stdin'], home.env, {
      input: `${uri}\n`,
    });
    expect(added.code).toBe(0);

    const args = ['login', '--server', server.url, '--email', EMAIL, '--password-stdin'];
    // No terminal and no --totp: the challenge cannot be answered, and the message says how.
    const stuck = await gatehouse(args, home.env, { input: `${PASSWORD}\n` });
    expect(stuck).toMatchObject({ code: 1, stdout: '' });
    expect(stuck.stderr).toMatch(
      /^gatehouse login: the account asks for a second factor \(totp, backup_code\) and there is no terminal to ask for it: pass --totp <vault entry>\n$/,
    );

    const missing = await gatehouse([...args, '--totp', 'nope'], home.env, { input: `${PASSWORD}\n` });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no entry named "nope"/);

    const signedIn = await gatehouse([...args, '--totp', 'gatehouse-server'], home.env, {
      input: `${PASSWORD}\n`,
    });
    expect(signedIn).toMatchObject({
      code: 0,
      stdout: '',
      stderr: `Signed in to ${server.url} as ${EMAIL}.\n`,
    });
    const whoami = await gatehouse(['whoami'], home.env);
    expect(whoami.stdout).toMatch(/\tmfa on\t/);
    const sessions = await gatehouse(['sessions'], home.env);
    expect(sessions.stdout).toMatch(/^\*\t.*\tpwd,otp,mfa\t/m);

    const log = await readFile(home.auditLog, 'utf8');
    expect(log).toMatch(
      /"event":"vault.code_used","name":"gatehouse-server","server":"http:\/\/127\.0\.0\.1:\d+"/,
    );
    expect(log).toMatch(/"event":"server.login",.*"factor":"totp"/);
    expect(log).not.toMatch(/"code":/);
  });
});

describeWithCommand('tmux', 'gatehouse login on a terminal (tmux)', () => {
  let terminal: Terminal | undefined;
  afterEach(() => terminal?.close());

  it('asks for the email, the password without echo, and the code (again after a wrong one)', async () => {
    const home = await tempHome();
    const uri = await enrolTotp(TTY_EMAIL);
    terminal = Terminal.start(home.root, home.env, ['login', '--server', server.url]);
    await terminal.answer('Email: ', TTY_EMAIL);
    await terminal.answer('Password: ', PASSWORD);
    const prompt = 'Code from your authenticator app (or a backup code): ';
    await terminal.answer(prompt, '000000');
    await terminal.answer(prompt, totpCode(uri, Date.now()), 2);
    await terminal.waitFor('EXIT=');
    const screen = terminal.screen();
    expect(screen).toContain(`Email: ${TTY_EMAIL}\nPassword: \n${prompt}000000\nWrong code; try again.\n`);
    expect(screen).toMatch(/Signed in to http:\/\/127\.0\.0\.1:\d+ as tty@example\.com\.\nEXIT=0/);
    expect(screen).not.toContain(PASSWORD);
  });
});
