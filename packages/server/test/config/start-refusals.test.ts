import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/start.js';

/** What startServer does with `env`: the error it stops with (a server that did start is closed again). */
async function startOutcome(env: NodeJS.ProcessEnv): Promise<Error | 'started'> {
  return startServer({ env, logger: pino({ level: 'silent' }) }).then(
    async (server) => {
      await server.close();
      return 'started' as const;
    },
    (error: Error) => error,
  );
}

describe('settings refused at start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-refusals-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  // Loopback only, should a start succeed after all.
  const base = { GATEHOUSE_DATA_DIR: dataDir, HOST: '127.0.0.1', NODE_ENV: 'test' };

  it('GATEHOUSE_COOKIE_MODE=true: cookie mode does not exist yet, so the server does not start', async () => {
    const outcome = await startOutcome({ ...base, GATEHOUSE_COOKIE_MODE: 'true' });
    expect(outcome).toBeInstanceOf(Error);
    expect(String(outcome)).toMatch(/GATEHOUSE_COOKIE_MODE=true: browser cookie mode .* not available/);
  });

  it('a low-entropy GATEHOUSE_SECRET in production, named without being echoed', async () => {
    for (const secret of ['a'.repeat(44), Buffer.alloc(48, 0x5a).toString('base64')]) {
      const outcome = await startOutcome({
        ...base,
        NODE_ENV: 'production',
        GATEHOUSE_SECRET: secret,
        GATEHOUSE_MAIL_TRANSPORT: 'outbox',
      });
      expect(outcome).toBeInstanceOf(Error);
      const message = String(outcome);
      expect(message).toMatch(/GATEHOUSE_SECRET \(config\.secret\): expected random bytes/);
      expect(message).not.toContain(secret);
    }
  });
});
