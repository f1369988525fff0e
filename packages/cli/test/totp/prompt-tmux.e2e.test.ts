import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { BIN, waitFor } from '../helpers/process.js';
import { describeWithCommand, tempHome } from './helpers/cli.js';

/**
 * The passphrase prompt on a real terminal: the CLI runs in a detached tmux session (a
 * pseudo-terminal), keys are typed with send-keys, and the screen is read back with
 * capture-pane to check that nothing typed was echoed. A private socket keeps it away from
 * any tmux server of the user's.
 */

const SECRET = 'JBSWY3DPEHPK3PXP';
const PASSPHRASE = 'typed but never shown 42';
const sockets: string[] = [];

function tmux(socket: string, ...args: string[]): string {
  return execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}

function screen(socket: string): string {
  return tmux(socket, 'capture-pane', '-p', '-J', '-S', '-100', '-t', 'cli');
}

async function waitForScreen(socket: string, text: string | RegExp): Promise<void> {
  const found = () => (typeof text === 'string' ? screen(socket).includes(text) : text.test(screen(socket)));
  try {
    await waitFor(async () => found(), 15_000, 50);
  } catch {
    throw new Error(`the terminal never showed ${String(text)}:\n${screen(socket)}`);
  }
}

/** Types `text` then Enter, once the prompt is on screen (before it, the tty would still echo). */
async function answer(socket: string, prompt: string, text: string): Promise<void> {
  await waitForScreen(socket, prompt);
  tmux(socket, 'send-keys', '-t', 'cli', '-l', text);
  tmux(socket, 'send-keys', '-t', 'cli', 'Enter');
}

afterEach(() => {
  for (const socket of sockets.splice(0)) {
    try {
      tmux(socket, 'kill-server');
    } catch {
      // already gone
    }
  }
});

describeWithCommand('tmux', 'passphrase prompt on a terminal (tmux)', () => {
  it('asks for the secret and the new passphrase twice without echo, then unlocks by prompt', async () => {
    const home = await tempHome();
    const socket = join(home.root, 'tmux.sock');
    sockets.push(socket);
    const env = Object.entries({ ...home.env, GATEHOUSE_VAULT_PASSPHRASE: undefined })
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `${name}='${value}'`)
      .join(' ');
    const gatehouse = `env -i ${env} '${process.execPath}' '${BIN}'`;
    const script = [
      `${gatehouse} totp add github; echo "ADD=$?"`,
      `${gatehouse} lock`,
      `${gatehouse} totp code github; echo "CODE=$?"`,
      'sleep 600',
    ].join('; ');
    tmux(socket, 'new-session', '-d', '-s', 'cli', '-x', '160', '-y', '50', script);

    await answer(socket, 'Secret (base32) or otpauth:// URI: ', SECRET);
    await answer(socket, 'New vault passphrase: ', PASSPHRASE);
    await answer(socket, 'Repeat the passphrase: ', PASSPHRASE);
    await waitForScreen(socket, 'ADD=');
    await answer(socket, 'Vault passphrase: ', PASSPHRASE);
    await waitForScreen(socket, 'CODE=');

    const text = screen(socket);
    expect(text).toMatch(/Added github \(totp SHA1 6 digits 30 s\)\.\nADD=0/);
    expect(text).toMatch(/Locked\./);
    expect(text).toMatch(/Vault passphrase: \n\d{6} {2}\(\d+ s left\)\nCODE=0/);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(PASSPHRASE);
    expect(text).not.toMatch(/\*{3}/); // no masking characters either
  }, 60_000);
});
