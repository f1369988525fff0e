import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';

/**
 * Real-backend suites run when their variable is set. Locally they skip without it;
 * in CI (CI=true) a missing variable fails the run instead of skipping silently.
 */
export function describeWithEnv(variable: string, name: string, body: (value: string) => void): void {
  const value = process.env[variable];
  if (value) {
    describe(name, () => body(value));
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      throw new Error(`${variable} must be exported in CI: the ${name} suite may not be skipped there`);
    });
  } else {
    describe.skip(`${name} (set ${variable} to run)`, () => body(''));
  }
}

/**
 * A suite that needs an external program (oathtool, tmux, openssl). Locally it is skipped,
 * with the reason in its name, when the program is missing; in CI (CI=true) a missing
 * program fails the run instead of skipping silently.
 */
export function describeWithCommand(command: string, name: string, body: () => void): void {
  if (hasCommand(command)) describe(name, body);
  else if (process.env.CI === 'true') {
    describe(name, () => {
      throw new Error(`${command} must be installed in CI: the "${name}" suite may not be skipped there`);
    });
  } else describe.skip(`${name} (skipped: ${command} is not installed)`, body);
}

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A throw-away PostgreSQL database next to the one DATABASE_URL names, dropped by `drop()`. */
export async function createScratchPostgres(
  baseUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gh_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
