import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePaths } from '../../../src/secure-files/paths.js';
import { loginFiles, readLogin } from '../../../src/remote/session-files.js';
import type { StoredSession } from '../../../src/remote/sealed-session.js';
import {
  BIN,
  cleanEnv,
  freePort,
  seedDataDir,
  startGatehouse,
  type Gatehouse,
} from '../../helpers/process.js';

export const PASSWORD = 'a sturdy passphrase 42';

export interface TestServer {
  server: Gatehouse;
  url: string;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

/**
 * A real `gatehouse serve` on the embedded database, with verified users created by
 * `gatehouse users create` first (the embedded database is one process at a time).
 */
export async function serverWithUsers(
  emails: string[],
  settings: Record<string, string> = {},
): Promise<TestServer> {
  // Not the totp helpers' tempDir: those are removed after each test, and the server outlives one.
  const dataDir = await mkdtemp(join(tmpdir(), 'gh-login-server-'));
  const env = cleanEnv({
    PORT: String(await freePort()),
    GATEHOUSE_DATA_DIR: seedDataDir(join(dataDir, 'data')),
    ...settings,
  });
  for (const email of emails) await createUser(env, email);
  const server = await startGatehouse(env);
  const stop = async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  return { server, url: server.url, stop };
}

async function createUser(env: NodeJS.ProcessEnv, email: string): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'users', 'create', '--email', email, '--password-stdin'], {
    env,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(`${PASSWORD}\n`);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`users create ${email} failed (${code}): ${stderr}`);
}

/** A JSON call to the server's API, outside the CLI. */
export { callApi as call } from '../../helpers/process.js';

/**
 * The sign-in a CLI home holds, decrypted with its runtime key as the CLI would: the tests
 * need the tokens (to check them against the server) without the CLI ever printing them.
 */
export async function storedSession(env: NodeJS.ProcessEnv): Promise<StoredSession> {
  const stored = await readLogin(loginFiles(resolvePaths(env)));
  if (stored.state !== 'open') throw new Error(`no open sign-in in this home (${stored.state})`);
  stored.key.fill(0);
  return stored.session;
}
