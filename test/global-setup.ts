import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The end-to-end tests run the real `gatehouse` binary, so the packages are built
 * once before any test (incremental: near-instant when nothing changed).
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', 'packages/cli'], {
    cwd: root,
    stdio: 'inherit',
  });
}
