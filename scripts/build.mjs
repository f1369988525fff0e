// Compiles the workspace (tsc -b: core, server, cli and client into packages/*/dist), saying so first:
// the first build takes about a minute and would otherwise look like a hang. Messages go to
// stderr, so a command's own output (e.g. a TOTP code piped elsewhere) stays clean.
// Used by `npm run build`, `npm start`, `npm run migrate`, `npm run bench` and, on first
// use, by the `gatehouse` launcher (packages/cli/bin/gatehouse.js).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds; returns true on success (tsc's errors are printed as they come). */
export function build(reason = 'Building Gatehouse') {
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  if (!existsSync(tsc)) {
    process.stderr.write(`${reason}: TypeScript is not installed here; run npm install (or npm ci) first.\n`);
    return false;
  }
  const first = !existsSync(`${root}packages/cli/dist/bin.js`);
  const expect = first ? 'the first build takes about a minute' : 'only what changed';
  process.stderr.write(`${reason} (tsc -b packages/cli packages/client; ${expect})...\n`);
  const started = performance.now();
  const result = spawnSync(process.execPath, [tsc, '-b', 'packages/cli', 'packages/client'], {
    cwd: root,
    stdio: 'inherit',
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stderr.write(`Build failed after ${seconds} s (the TypeScript errors are above).\n`);
    return false;
  }
  process.stderr.write(`Built in ${seconds} s.\n`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = build() ? 0 : 1;
