import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, waitFor } from '../../helpers/process.js';

/**
 * A `gatehouse` run on a real terminal: a detached tmux session on a private socket (never
 * the user's tmux server), keys typed with send-keys, the screen read with capture-pane.
 */
export class Terminal {
  private constructor(private readonly socket: string) {}

  /** Runs `args` in a new terminal with exactly `env`; the exit code is printed as EXIT=<n>. */
  static start(dir: string, env: NodeJS.ProcessEnv, args: string[]): Terminal {
    const terminal = new Terminal(join(dir, 'tmux.sock'));
    const assignments = Object.entries(env)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `${name}='${value}'`)
      .join(' ');
    const command = `env -i ${assignments} '${process.execPath}' '${BIN}' ${args.map((a) => `'${a}'`).join(' ')}`;
    terminal.tmux(
      'new-session',
      '-d',
      '-s',
      'cli',
      '-x',
      '160',
      '-y',
      '50',
      `${command}; echo "EXIT=$?"; sleep 600`,
    );
    return terminal;
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-100', '-t', 'cli');
  }

  async waitFor(text: string): Promise<void> {
    try {
      await waitFor(async () => this.screen().includes(text), 15_000, 50);
    } catch {
      throw new Error(`the terminal never showed ${text}:\n${this.screen()}`);
    }
  }

  /** Types `text` and Enter once `prompt` is on screen (before it, the tty would still echo). */
  async answer(prompt: string, text: string, occurrence = 1): Promise<void> {
    await waitFor(async () => this.screen().split(prompt).length > occurrence, 15_000, 50).catch(() => {
      throw new Error(`the terminal never showed ${prompt} (${occurrence}):\n${this.screen()}`);
    });
    this.tmux('send-keys', '-t', 'cli', '-l', text);
    this.tmux('send-keys', '-t', 'cli', 'Enter');
  }

  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }
}
