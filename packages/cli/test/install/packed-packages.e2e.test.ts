import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, PROCESS_DEADLINE_MS, waitFor } from '../helpers/process.js';

/**
 * What someone who installs Gatehouse from npm gets: each package packed as it would be
 * published, installed together into an empty project, and the READMEs' examples run there
 * against what was installed (never the workspace's sources). One pack and one install for
 * every case below: the install is most of the file's time.
 */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const PACKAGES = ['core', 'server', 'cli', 'client', 'fastify', 'express'];
/** npm's install from its cache takes tens of seconds, more on a busy 2-core machine. */
const INSTALL_DEADLINE_MS = 240_000;
const ADMIN = { email: 'admin@example.com', password: 'a long and sturdy passphrase' };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; fails past `timeoutMs` (the whole process group is killed). */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<Run> {
  const { cwd, env, input, timeoutMs = PROCESS_DEADLINE_MS } = options;
  const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(
        new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The first ```js block of a package's README: the example a user copies. */
function readmeExample(pkg: string): string {
  const readme = readFileSync(join(root, 'packages', pkg, 'README.md'), 'utf8');
  const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!example) throw new Error(`packages/${pkg}/README.md has no js example`);
  return example;
}

/** Logs in with @gatehouse/client in Node (its README's Node example) and prints what `me` says. */
const CLIENT_SCRIPT = `
import { GatehouseClient } from '@gatehouse/client';
import { fileStorage } from '@gatehouse/client/node';

const auth = new GatehouseClient({ baseUrl: process.env.GATEHOUSE_URL, storage: fileStorage('./session.json') });
const result = await auth.login({ email: process.env.EMAIL, password: process.env.PASSWORD });
if ('mfaRequired' in result) throw new Error('unexpected second factor');
const { user } = await auth.me();
console.log(JSON.stringify({ email: user.email, roles: user.roles, accessToken: (await auth.session()).accessToken }));
auth.close();
`;

/** The fastify and express READMEs' apps, asked with and without the token; prints the statuses. */
const MIDDLEWARE_SCRIPT = `
import express from 'express';
import Fastify from 'fastify';
import { gatehouse as expressGatehouse } from '@gatehouse/express';
import { gatehouse as fastifyGatehouse } from '@gatehouse/fastify';

const issuer = process.env.GATEHOUSE_URL;
const bearer = { authorization: 'Bearer ' + process.env.ACCESS_TOKEN };

const fastify = Fastify();
await fastify.register(fastifyGatehouse, { issuer });
fastify.get('/me', { preHandler: fastify.gatehouse.requireAuth }, async (request) => request.gatehouseAuth);
fastify.get('/admin', { preHandler: fastify.gatehouse.requireRole('admin') }, async () => ({ ok: true }));
const fastifyUrl = await fastify.listen({ port: 0, host: '127.0.0.1' });

const app = express();
const auth = expressGatehouse({ issuer });
app.get('/me', auth, (req, res) => res.json(req.auth));
app.get('/admin', auth.requireRole('admin'), (_req, res) => res.json({ ok: true }));
const server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
const expressUrl = 'http://127.0.0.1:' + server.address().port;

const ask = async (url, headers) => { const r = await fetch(url, { headers }); return [r.status, await r.json()]; };
const report = {};
for (const [name, url] of [['fastify', fastifyUrl], ['express', expressUrl]]) {
  const [meStatus, me] = await ask(url + '/me', bearer);
  const [adminStatus] = await ask(url + '/admin', bearer);
  const [anonymousStatus, anonymous] = await ask(url + '/me', {});
  report[name] = { meStatus, sub: me.sub, adminStatus, anonymousStatus, anonymousCode: anonymous.code };
}
console.log(JSON.stringify(report));
await fastify.close();
server.close();
`;

describe('the packed packages, installed from their tarballs into an empty project', () => {
  const work = mkdtempSync(join(tmpdir(), 'gh-packed-'));
  const tarballs = join(work, 'tarballs');
  const project = join(work, 'app');
  // Only what a person's shell has (no npm_* of the npm that started the tests, no test
  // database); the npm cache is the usual one, so the install reads what `npm ci` fetched.
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
  };
  let install: Run;

  beforeAll(async () => {
    // The global setup builds cli (with core and server) and client; the middleware too.
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const built = await run(process.execPath, [tsc, '-b', ...PACKAGES.map((pkg) => `packages/${pkg}`)], {
      cwd: root,
      env: base,
      timeoutMs: INSTALL_DEADLINE_MS,
    });
    expect(built.code, built.stdout + built.stderr).toBe(0);
    mkdirSync(tarballs);
    const workspaces = PACKAGES.flatMap((pkg) => ['-w', `packages/${pkg}`]);
    const packed = await run('npm', ['pack', '--pack-destination', tarballs, ...workspaces], {
      cwd: root,
      env: base,
    });
    expect(packed.code, packed.stderr).toBe(0);

    mkdirSync(project);
    const files = readdirSync(tarballs).map((name) => `file:../tarballs/${name}`);
    expect(files).toHaveLength(PACKAGES.length);
    // The overrides the server's README asks for on Node.js 20 (the workspace has the same).
    const overrides = { cookie: '^1.1.1', '@fastify/static': { 'content-disposition': '^2.0.1' } };
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module', overrides }),
    );
    install = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', ...files, 'express@^5', 'fastify@^5'],
      {
        cwd: project,
        env: base,
        timeoutMs: INSTALL_DEADLINE_MS,
      },
    );
    expect(install.code, install.stderr).toBe(0);
  }, INSTALL_DEADLINE_MS * 2);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships built code, declarations and the migrations, and no tests or sources', () => {
    expect(install.stderr).not.toMatch(/EBADENGINE|Unsupported engine/);
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; resolved?: string }>;
    };
    for (const pkg of PACKAGES) {
      // Each from its tarball, none from the registry (server and cli depend on core by version).
      expect(lock.packages[`node_modules/@gatehouse/${pkg}`]?.resolved).toBe(
        `file:../tarballs/gatehouse-${pkg}-0.1.0.tgz`,
      );
      const installed = join(project, 'node_modules', '@gatehouse', pkg);
      const entries = readdirSync(installed, { recursive: true, encoding: 'utf8' });
      expect(
        entries.filter((path) => /(^|\/)(test|src)\/|\.test\.|(?<!\.d)\.ts$/.test(path)),
        pkg,
      ).toEqual([]);
      expect(entries, pkg).toEqual(
        expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']),
      );
    }
    expect(readdirSync(join(project, 'node_modules/@gatehouse/core/drizzle'))).toContain('0000_initial.sql');
    // The client's declarations stand alone: no import of the engine it does not depend on.
    const clientTypes = readdirSync(join(project, 'node_modules/@gatehouse/client/dist'), {
      recursive: true,
      encoding: 'utf8',
    })
      .filter((path) => path.endsWith('.d.ts'))
      .map((path) => readFileSync(join(project, 'node_modules/@gatehouse/client/dist', path), 'utf8'));
    expect(clientTypes.filter((text) => /from '@gatehouse\/core'/.test(text))).toEqual([]);
  });

  it("runs @gatehouse/core's README example", async () => {
    writeFileSync(join(project, 'example.mjs'), readmeExample('core'));
    const secret = randomBytes(32).toString('base64');
    const example = await run(process.execPath, ['example.mjs'], {
      cwd: project,
      env: { ...base, GATEHOUSE_SECRET: secret },
    });
    expect(example.code, example.stderr).toBe(0);
    expect(example.stdout).toMatch(/audit register\.succeeded\n[\s\S]*signed in: \S+\n/);
  });

  it("runs @gatehouse/cli's and @gatehouse/server's README examples; the client and both middlewares use that server", async () => {
    const env = {
      ...base,
      GATEHOUSE_DATA_DIR: join(project, '.gatehouse'),
      GATEHOUSE_HOME: join(work, 'cli-home'),
    };
    const help = await run('npm', ['exec', '--no', '--', 'gatehouse', '--help'], { cwd: project, env });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gatehouse <command>/);
    const created = await run(
      'npm',
      [
        'exec',
        '--no',
        '--',
        'gatehouse',
        'users',
        'create',
        '--email',
        ADMIN.email,
        '--password-stdin',
        '--role',
        'admin',
      ],
      { cwd: project, env, input: `${ADMIN.password}\n` },
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^Created user \S+ \(admin@example\.com\) with roles user, admin\.\n$/);

    writeFileSync(join(project, 'server.mjs'), readmeExample('server'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = startProcess(['server.mjs'], project, {
      ...env,
      PORT: String(port),
      GATEHOUSE_PUBLIC_URL: url,
    });
    try {
      await waitFor(async () => {
        if (server.child.exitCode !== null) throw new Error(`server.mjs exited:\n${server.output()}`);
        return (await fetch(`${url}/health`).catch(() => null))?.ok === true;
      }, PROCESS_DEADLINE_MS);
      expect(server.output()).toContain(`Gatehouse is up: ${url}/health`);

      writeFileSync(join(project, 'client.mjs'), CLIENT_SCRIPT);
      const signedIn = await run(process.execPath, ['client.mjs'], {
        cwd: project,
        env: { ...base, GATEHOUSE_URL: url, EMAIL: ADMIN.email, PASSWORD: ADMIN.password },
      });
      expect(signedIn.code, signedIn.stderr).toBe(0);
      const me = JSON.parse(signedIn.stdout) as { email: string; roles: string[]; accessToken: string };
      expect(me).toMatchObject({ email: ADMIN.email, roles: expect.arrayContaining(['admin']) });

      writeFileSync(join(project, 'middleware.mjs'), MIDDLEWARE_SCRIPT);
      const verified = await run(process.execPath, ['middleware.mjs'], {
        cwd: project,
        env: { ...base, GATEHOUSE_URL: url, ACCESS_TOKEN: me.accessToken },
      });
      expect(verified.code, verified.stderr).toBe(0);
      const answer = {
        meStatus: 200,
        sub: expect.any(String),
        adminStatus: 200,
        anonymousStatus: 401,
        anonymousCode: 'unauthorized',
      };
      expect(JSON.parse(verified.stdout)).toEqual({ fastify: answer, express: answer });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

/** A long-running node process in the project (the server), with its output kept. */
function startProcess(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    child,
    output: () => output,
    stop: (): Promise<number | null> => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
