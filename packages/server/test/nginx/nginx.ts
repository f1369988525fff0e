/**
 * Debian's nginx as a child process, configured from examples/nginx/gatehouse.conf itself:
 * the test changes only the example's addresses (its two upstreams and its `listen`), so
 * the example a reader copies is exactly what the test runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NGINX = '/usr/sbin/nginx';
export const EXAMPLE_CONFIG = fileURLToPath(
  new URL('../../../../examples/nginx/gatehouse.conf', import.meta.url),
);

export interface NginxAddresses {
  gatehousePort: number;
  appPort: number;
  listenPort: number;
}

export interface RunningNginx {
  url: string;
  /** What nginx logged so far (for failure messages). */
  errorLog(): string;
  stop(): Promise<void>;
}

/** The example with its addresses changed; every change must apply exactly once. */
export function exampleWithAddresses(example: string, addresses: NginxAddresses): string {
  let text = example;
  text = replaceOnce(
    text,
    /(upstream gatehouse \{\s*server )[^;]+;/g,
    `$1127.0.0.1:${addresses.gatehousePort};`,
  );
  text = replaceOnce(text, /(upstream app \{\s*server )[^;]+;/g, `$1127.0.0.1:${addresses.appPort};`);
  return replaceOnce(text, /\blisten 80;/g, `listen 127.0.0.1:${addresses.listenPort};`);
}

function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  const matches = text.match(pattern)?.length ?? 0;
  if (matches !== 1)
    throw new Error(`the nginx example must contain ${pattern} exactly once (found ${matches})`);
  return text.replace(pattern, replacement);
}

/** A whole nginx.conf: the example inside an http block whose files all live in `prefix`. */
function mainConfig(prefix: string, addresses: NginxAddresses): string {
  const example = exampleWithAddresses(readFileSync(EXAMPLE_CONFIG, 'utf8'), addresses);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `    ${kind}_temp_path ${join(prefix, `${kind}_temp`)};`)
    .join('\n');
  return [
    'worker_processes 1;',
    'events { worker_connections 64; }',
    'http {',
    `    access_log ${join(prefix, 'access.log')};`,
    temp,
    example,
    '}',
    '',
  ].join('\n');
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts nginx in the foreground (no daemon, no system service) and resolves once its
 * port accepts connections. No `user` directive: as root the workers run as nginx's
 * built-in unprivileged user, which is why the prefix is world-readable.
 */
export async function startNginx(addresses: Omit<NginxAddresses, 'listenPort'>): Promise<RunningNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'gh-nginx-'));
  chmodSync(prefix, 0o755);
  const listenPort = await freePort();
  const configFile = join(prefix, 'nginx.conf');
  const errorLogFile = join(prefix, 'error.log');
  writeFileSync(configFile, mainConfig(prefix, { ...addresses, listenPort }));
  const globals = `daemon off; pid ${join(prefix, 'nginx.pid')}; error_log ${errorLogFile};`;
  const child = spawn(NGINX, ['-p', prefix, '-e', errorLogFile, '-c', configFile, '-g', globals], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const errorLog = (): string =>
    `${stderr}${existsSync(errorLogFile) ? readFileSync(errorLogFile, 'utf8') : ''}`;
  const stop = async (): Promise<void> => {
    await stopChild(child);
    rmSync(prefix, { recursive: true, force: true });
  };
  try {
    await waitForPort(listenPort, child, errorLog);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${listenPort}`, errorLog, stop };
}

/** Polls until the port accepts a connection; fails at once if nginx exits first. */
async function waitForPort(port: number, child: ChildProcess, errorLog: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`nginx exited (${child.exitCode ?? child.signalCode}):\n${errorLog()}`);
    }
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nginx did not listen on ${port} within 30 s:\n${errorLog()}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** SIGQUIT (graceful), then SIGTERM and SIGKILL if nginx lingers. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitFor = (ms: number) =>
    Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
  child.kill('SIGQUIT');
  if (await waitFor(5_000)) return;
  child.kill('SIGTERM');
  if (await waitFor(5_000)) return;
  child.kill('SIGKILL');
  await exited;
}
