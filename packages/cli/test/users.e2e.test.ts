import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BIN,
  PROCESS_DEADLINE_MS,
  cleanEnv,
  freePort,
  seedDataDir,
  startGatehouse,
  type Gatehouse,
} from './helpers/process.js';

const ADMIN = { email: 'admin@example.com', password: 'a sturdy passphrase 42' };

/** Runs the real binary with `input` on stdin (runCli gives it none). */
async function runWithStdin(
  args: string[],
  env: NodeJS.ProcessEnv,
  input: string,
  timeoutMs = PROCESS_DEADLINE_MS,
) {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // The command may exit before reading it all (e.g. a usage error): that is no test failure.
  child.stdin.on('error', () => undefined);
  child.stdin.end(input);
  const started = Date.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`gatehouse ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  return { code, stdout, stderr, ms: Date.now() - started };
}

async function call(base: string, method: string, path: string, body?: object, token?: string) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

describe('gatehouse users on the embedded database', () => {
  // Its database exists already: this is about the users commands, not the first start.
  const dataDir = seedDataDir(mkdtempSync(join(tmpdir(), 'gh-e2e-users-')));
  let server: Gatehouse | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates an admin from stdin who then signs in over HTTP; refuses weak, duplicate and misplaced ones', async () => {
    const env = cleanEnv({ PORT: String(await freePort()), GATEHOUSE_DATA_DIR: dataDir });
    const create = (email: string, input: string, ...extra: string[]) =>
      runWithStdin(['users', 'create', '--email', email, '--password-stdin', ...extra], env, input);

    // Only the line ending is stripped: the trailing space is part of the password.
    const created = await create(ADMIN.email, `${ADMIN.password} \n`, '--role', 'admin', '--name', 'Ada');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      /^Created user [0-9a-f-]{36} \(admin@example\.com\) with roles user, admin\.\n$/,
    );

    const weak = await create('weak@example.com', 'password123\n');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/does not meet the policy: common/);
    const empty = await create('empty@example.com', '\n');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/No password on stdin/);

    const duplicate = await create('ADMIN@example.com', 'another sturdy passphrase\n');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists in tenant default; it was left unchanged/);

    const offTenant = await create('x@example.com', `${ADMIN.password}\n`, '--tenant', 'acme');
    expect(offTenant.code).toBe(2);
    expect(offTenant.stderr).toMatch(/Tenancy is off/);
    const unknownTenant = await runWithStdin(
      ['users', 'create', '--email', 'x@example.com', '--password-stdin', '--tenant', 'acme'],
      { ...env, GATEHOUSE_MULTI_TENANT: 'true' },
      `${ADMIN.password}\n`,
    );
    expect(unknownTenant.code).toBe(2);
    expect(unknownTenant.stderr).toMatch(/Unknown tenant acme/);
    const noStdinFlag = await runWithStdin(['users', 'create', '--email', 'x@example.com'], env, '');
    expect(noStdinFlag.code).toBe(2);
    expect(noStdinFlag.stderr).toMatch(/--password-stdin/);

    const listed = await runWithStdin(['users', 'list'], env, '');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^admin@example\.com\t[0-9a-f-]{36}\tactive\tuser,admin\n$/);

    server = await startGatehouse(env);
    // The duplicate attempt did not touch the account: the first password (with its space) works.
    const wrong = await call(server.url, 'POST', '/auth/login', ADMIN);
    expect(wrong.status).toBe(401);
    const login = await call(server.url, 'POST', '/auth/login', { ...ADMIN, password: `${ADMIN.password} ` });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ email: ADMIN.email, name: 'Ada', roles: ['user', 'admin'] });
    const users = await call(server.url, 'GET', '/admin/users', undefined, login.body.accessToken);
    expect(users.status).toBe(200);
    expect(users.body.items.map((user: { email: string }) => user.email)).toEqual([ADMIN.email]);

    // The server holds the data dir: the CLI says so, and nothing changes. (It does not wait
    // for the lock: the server keeps running, so a waiting CLI would never exit with 1 and the
    // process deadline would end it instead. No absolute time is asserted.)
    const held = await create('late@example.com', `${ADMIN.password}\n`);
    expect(held.code).toBe(1);
    expect(held.stderr).toMatch(/in use by process \d+/);
    expect(held.stderr).toMatch(/stop the server first, or create users through the HTTP API as an admin/);
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    const after = await call(server.url, 'GET', '/admin/users', undefined, login.body.accessToken);
    expect(after.status).toBe(200);
    expect(after.body.items).toHaveLength(1);

    expect(await server.stop()).toBe(0);
    server = undefined;
  });
});
