import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../helpers/process.js';

/**
 * First contact, as the README tells it: a fresh clone, `npm ci`, then the README's own CLI
 * command lines and `npm start`. `npx gatehouse` once offered to download an unrelated
 * registry package (npm had not linked the bin, whose target did not exist before a build);
 * every form the README uses must run the local CLI, or fail, and never reach the registry.
 */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const README = readFileSync(join(root, 'README.md'), 'utf8');
const SAFE = 'npm exec --no -- gatehouse';

/** The command lines of the README's sh blocks (comments cut, continuation lines joined). */
function readmeCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n/g, ' ')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line && !line.startsWith('#')),
  );
}

/** Each place a line runs the `gatehouse` command (not a word like postgres://…/gatehouse). */
function gatehouseInvocations(line: string): string[] {
  return [...line.matchAll(/(?:^|[\s|;&(])gatehouse(?=\s|$)/g)].map((match) =>
    line.slice(0, (match.index ?? 0) + match[0].length),
  );
}

describe('the README runs the gatehouse command only in forms that cannot reach the registry', () => {
  it(`every invocation in the README's sh blocks is "${SAFE}"; no doc says npx gatehouse`, () => {
    const commands = readmeCommands(README);
    const invocations = commands.flatMap(gatehouseInvocations);
    expect(invocations.length).toBeGreaterThanOrEqual(5);
    for (const invocation of invocations) expect(invocation.endsWith(SAFE), invocation).toBe(true);
    const docs = readdirSync(join(root, 'docs')).map((name) => join(root, 'docs', name));
    for (const file of [join(root, 'README.md'), ...docs.filter((path) => path.endsWith('.md'))]) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/npx\s+(--\S+\s+)*gatehouse\b/);
    }
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a shell command line in `cwd`; fails the test past `timeoutMs`. */
function sh(command: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`${command} did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('a fresh clone after npm ci', () => {
  const work = mkdtempSync(join(tmpdir(), 'gh-fresh-clone-'));
  const clone = join(work, 'gatehouse');
  afterAll(() => rmSync(work, { recursive: true, force: true }), 300_000);

  // Only what a person's shell has: no DATABASE_URL or REDIS_URL of the test run, no npm_* of
  // the npm that started the tests. The npm cache is the usual one, so nothing is downloaded
  // that `npm ci` of this checkout did not already fetch.
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
  };

  it('runs the README CLI commands and npm start, the first run building what it needs, saying so', async () => {
    const cloned = await sh(`git clone --quiet --depth 1 "file://${root}" "${clone}"`, work, base, 120_000);
    expect(cloned.code, cloned.stderr).toBe(0);
    const installed = await sh('npm ci --prefer-offline --no-audit --no-fund', clone, base, 300_000);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stderr).not.toMatch(/EBADENGINE|Unsupported engine/);
    // The bin is linked although nothing is built yet.
    expect(existsSync(join(clone, 'packages/cli/dist'))).toBe(false);
    expect(existsSync(join(clone, 'node_modules/.bin/gatehouse'))).toBe(true);

    const env = { ...base, GATEHOUSE_DATA_DIR: join(work, 'data'), GATEHOUSE_HOME: join(work, 'cli-home') };
    const help = await sh(`${SAFE} --help`, clone, env, 300_000);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gatehouse <command>/);
    expect(help.stderr).toMatch(
      /gatehouse is not built yet: building it .*\.\.\.\nBuilt in \d+(\.\d)? s\.\n$/,
    );

    // The README's own lines, as written.
    const commands = readmeCommands(README);
    const createAdmin = commands.find((line) => line.includes(`${SAFE} users create`));
    const password = /^printf '%s\\n' '([^']+)' \|/.exec(createAdmin ?? '')?.[1];
    expect(password, createAdmin).toBeDefined();
    const created = await sh(createAdmin ?? '', clone, env, 120_000);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toBe(''); // built already: nothing but the command's own output
    expect(created.stdout).toMatch(/^Created user \S+ \(admin@example\.com\) with roles user, admin\.\n$/);
    for (const line of [`${SAFE} totp --help`, `${SAFE} users create --help`]) {
      const run = await sh(line, clone, env, 60_000);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(`^Usage: ${line.slice(SAFE.length - 'gatehouse'.length, -' --help'.length)}`),
      );
    }

    // npm start: builds (incrementally now), opens the database, listens.
    const port = String(await freePort());
    const server = spawn('npm', ['start'], {
      cwd: clone,
      env: { ...env, PORT: port },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    try {
      await waitFor(
        async () => {
          if (server.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
          return (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok === true;
        },
        180_000,
        200,
      );
      expect(output).toMatch(
        /Building Gatehouse \(tsc -b packages\/cli packages\/client; only what changed\)\.\.\.\nBuilt in/,
      );
      expect(output).toMatch(/"msg":"Opening the embedded database in /);
      expect(output).toMatch(new RegExp(`"msg":"Gatehouse listening on http://127\\.0\\.0\\.1:${port} `));

      // The admin the README created signs in with the README's login form (PORT is this shell's).
      const login = await sh(
        `printf '%s\\n' '${password}' | ${SAFE} login --email admin@example.com --password-stdin`,
        clone,
        { ...env, PORT: port },
        60_000,
      );
      expect(login.code, login.stderr).toBe(0);
      expect(login.stderr).toContain(`Signed in to http://localhost:${port} as admin@example.com.`);
    } finally {
      if (server.pid && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
      await exited;
    }
  }, 900_000);
});
