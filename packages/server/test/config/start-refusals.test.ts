import { randomBytes } from 'node:crypto';
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

  it('development cookies in production: the server does not start', async () => {
    const outcome = await startOutcome({
      ...base,
      NODE_ENV: 'production',
      GATEHOUSE_SECRET: randomBytes(32).toString('base64'),
      GATEHOUSE_MAIL_TRANSPORT: 'outbox',
      GATEHOUSE_COOKIE_MODE: 'true',
      GATEHOUSE_COOKIE_POLICY: 'development',
    });
    expect(outcome).toBeInstanceOf(Error);
    expect(String(outcome)).toMatch(
      /GATEHOUSE_COOKIE_POLICY \(config\.server\.cookiePolicy\): expected 'production' or 'preview'/,
    );
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
