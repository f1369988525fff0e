import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithCommand } from '../../core/test/helpers/real-backends.js';
import { cleanEnv, freePort, startGatehouse, waitFor } from './helpers/process.js';
import { Terminal } from './remote/helpers/tmux.js';

/**
 * A first start says what it is doing (creating the database, migrating, where it listens)
 * instead of staying silent for seconds; piped, every line is JSON, on a terminal text.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'gh-e2e-startup-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('gatehouse serve, output piped', () => {
  it('logs JSON lines: creating the database, database ready (migrated), listening on its URL, in that order', async () => {
    const env = cleanEnv({ PORT: String(await freePort()), GATEHOUSE_DATA_DIR: join(dataDir, 'data') });
    // A first start on a busy machine can take a while: that is what it now explains.
    const server = await startGatehouse(env, 90_000);
    try {
      const lines = server.output().trimEnd().split('\n');
      const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
      const at = (pattern: RegExp) => messages.findIndex((message) => pattern.test(message));
      const creating = at(/^Creating the embedded database in .*data \(first start only/);
      const migrated = at(/^Database ready \(.*migrations applied\) in \d/);
      const listening = at(new RegExp(`^Gatehouse listening on ${server.url} `));
      expect(
        [creating, migrated, listening].every((index) => index >= 0),
        messages.join('\n'),
      ).toBe(true);
      expect(creating).toBeLessThan(migrated);
      expect(migrated).toBeLessThan(listening);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describeWithCommand('tmux', 'gatehouse serve on a terminal (tmux)', () => {
  it('logs readable lines, and a second start opens the existing database', async () => {
    const port = String(await freePort());
    const env = cleanEnv({ PORT: port, GATEHOUSE_DATA_DIR: join(dataDir, 'data') });
    const terminal = Terminal.start(mkdtempSync(join(dataDir, 'tty-')), env, ['serve']);
    try {
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok === true,
        60_000,
      );
      await terminal.waitFor(`Gatehouse listening on http://127.0.0.1:${port}`);
      const screen = terminal.screen();
      expect(screen).toMatch(/\[\d\d:\d\d:\d\d\] INFO: Opening the embedded database in /);
      expect(screen).toMatch(/INFO: Database ready \(.*migrations applied\) in \d/);
      expect(screen).not.toContain('{"level"');
    } finally {
      terminal.close();
      // The server ends with its terminal; its data dir is removed after that.
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null)) === null,
        30_000,
      );
    }
  });
});
