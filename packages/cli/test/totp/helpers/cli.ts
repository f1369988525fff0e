import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, PROCESS_DEADLINE_MS } from '../../helpers/process.js';
import { tempDir } from './temp.js';

export const PASSPHRASE = 'correct horse battery staple';

export interface TempHome {
  root: string;
  env: NodeJS.ProcessEnv;
  /** Where the vault and the audit log are for this env. */
  vault: string;
  auditLog: string;
  dataDir: string;
  runtimeDir: string;
}

/**
 * A throw-away home for the CLI: HOME, every XDG_* variable and (unless `gatehouseHome`
 * is false) GATEHOUSE_HOME point into a temp dir, the KDF is the fast test one (a test hook
 * set by gatehouse-under-test.mjs) and the passphrase comes from the environment.
 */
export async function tempHome({ gatehouseHome = true } = {}): Promise<TempHome> {
  const root = await tempDir('gh-totp-e2e-');
  await mkdir(join(root, 'home'));
  await mkdir(join(root, 'run'), { mode: 0o700 });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(root, 'home'),
    XDG_DATA_HOME: join(root, 'xdg-data'),
    XDG_STATE_HOME: join(root, 'xdg-state'),
    XDG_RUNTIME_DIR: join(root, 'run'),
    NODE_ENV: 'test',
    GATEHOUSE_TEST_VAULT_KDF: 'fast',
    GATEHOUSE_VAULT_PASSPHRASE: PASSPHRASE,
    ...(gatehouseHome ? { GATEHOUSE_HOME: join(root, 'gatehouse') } : {}),
  };
  const dataDir = gatehouseHome ? join(root, 'gatehouse') : join(root, 'xdg-data', 'gatehouse');
  const stateDir = gatehouseHome ? join(root, 'gatehouse') : join(root, 'xdg-state', 'gatehouse');
  return {
    root,
    env,
    dataDir,
    vault: join(dataDir, 'vault'),
    auditLog: join(stateDir, 'audit.log'),
    runtimeDir: join(root, 'run', 'gatehouse'),
  };
}

/** `env` without the named variables. */
export function without(env: NodeJS.ProcessEnv, ...names: string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `gatehouse …`; stdin is `input` when given, else closed (never a terminal). `bin`:
 * PRODUCTION_BIN runs the CLI without the test entry (no test switch is honoured).
 */
export async function gatehouse(
  args: string[],
  env: NodeJS.ProcessEnv,
  {
    input,
    timeoutMs = PROCESS_DEADLINE_MS,
    bin = BIN,
  }: { input?: string; timeoutMs?: number; bin?: string } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.on('error', () => undefined); // the CLI may exit before reading it
  child.stdin.end(input ?? '');
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gatehouse ${args.join(' ')} hung for ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  return { code, stdout, stderr };
}

export { describeWithCommand } from '../../../../core/test/helpers/real-backends.js';
