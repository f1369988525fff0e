import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The end-to-end tests run the real `gatehouse` binary, so the packages are built
 * once before any test (incremental: near-instant when nothing changed).
 * `GATEHOUSE_TEST_SKIP_BUILD=1` skips it for runs that hold no end-to-end test (they
 * import the sources directly), e.g. while another change is half-written.
 */
export default function setup(): void {
  if (process.env.GATEHOUSE_TEST_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', 'packages/cli'], {
    cwd: root,
    stdio: 'inherit',
  });
}
