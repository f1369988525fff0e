import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * The Node.js versions package.json claims must be ones every installed package accepts:
 * otherwise `npm ci` warns EBADENGINE (as cookie@2 and content-disposition@3, Node 22 only,
 * once did) or a package refuses the runtime when it loads (oidc-provider 9 below Node 22).
 */
const root = fileURLToPath(new URL('../../../../', import.meta.url));

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
}

const claimed = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { engines: { node: string } })
  .engines.node;
const lock = JSON.parse(readFileSync(`${root}package-lock.json`, 'utf8')) as {
  packages: Record<string, LockEntry>;
};

describe('Node.js versions', () => {
  it('this test runs on a claimed version', () => {
    expect(semver.satisfies(process.version, claimed)).toBe(true);
  });

  it('every installed package accepts every claimed version (npm ci has no EBADENGINE)', () => {
    const refusing: string[] = [];
    let checked = 0;
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      // Packages for other platforms are in the lockfile but not installed: they never load.
      if (!path.startsWith('node_modules/') || range === undefined || !existsSync(`${root}${path}`)) continue;
      checked++;
      if (!semver.subset(claimed, range)) refusing.push(`${path}@${entry.version} wants node ${range}`);
    }
    expect(refusing).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('the test OpenID provider loads without an "unsupported runtime" warning', () => {
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "await import('oidc-provider'); console.log('loaded')"],
      { cwd: root, encoding: 'utf8' },
    );
    expect(run.stdout.trim()).toBe('loaded');
    expect(run.stderr).not.toMatch(/unsupported runtime/i);
  });
});
