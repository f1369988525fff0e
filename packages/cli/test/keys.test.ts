import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createScratchPostgres, describeWithEnv } from '../../core/test/helpers/real-backends.js';
import { main } from '../src/main.js';

/** Runs `gatehouse <args>` in this process and keeps what it printed. */
async function gatehouse(args: string[], env: NodeJS.ProcessEnv) {
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const code = await main(args, env, {
    info: (line) => lines.stdout.push(line),
    error: (line) => lines.stderr.push(line),
  });
  return { code, stdout: lines.stdout.join('\n'), stderr: lines.stderr.join('\n') };
}

describeWithEnv('DATABASE_URL', 'gatehouse keys rotate on PostgreSQL', (baseUrl) => {
  let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-cli-keys-'));
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    scratch = await createScratchPostgres(baseUrl);
    env = {
      DATABASE_URL: scratch.url,
      GATEHOUSE_SECRET: randomBytes(32).toString('base64'),
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_TOKENS__KEY_REFRESH_INTERVAL_SECONDS: '15',
    };
  });
  afterAll(async () => {
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** As if the next key had been published `seconds` ago (instead of waiting that long). */
  async function ageNextKey(seconds: number): Promise<void> {
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    try {
      await client.query(
        `update signing_keys set created_at = created_at - make_interval(secs => $1) where status = 'next'`,
        [seconds],
      );
    } finally {
      await client.end();
    }
  }

  it('refuses to promote a next key servers may not have loaded yet, and says when to retry', async () => {
    // The first run creates the keys: the next key is brand new.
    const refused = await gatehouse(['keys', 'rotate'], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).not.toMatch(/Rotated/);
    const wait = /^Not rotated: .*may not have loaded it yet.*Try again in (\d+) s\.$/.exec(refused.stderr);
    expect(wait, refused.stderr).not.toBeNull();
    // Up to one refresh interval (15 s) plus the 5 s margin, less however long this run took.
    expect(Number(wait![1])).toBeGreaterThan(0);
    expect(Number(wait![1])).toBeLessThanOrEqual(20);
    expect(refused.stderr).not.toMatch(/--debug|Error/);
  });

  it('rotates once the next key is old enough, then refuses a second rotation right after', async () => {
    await ageNextKey(60);
    const rotated = await gatehouse(['keys', 'rotate'], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^Rotated: \S+ retired/);
    const again = await gatehouse(['keys', 'rotate'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^Not rotated: .*Try again in \d+ s\.$/);
    expect(again.stdout).not.toMatch(/Rotated/);
  });
});
