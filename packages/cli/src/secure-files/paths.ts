import { createHash } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Where the CLI keeps its files. Each directory is private (0700) and created on first use.
 *
 * - dataDir: long-lived secrets (the vault, the session secret).
 *   $XDG_DATA_HOME/gatehouse, default ~/.local/share/gatehouse.
 * - stateDir: logs (the audit log). $XDG_STATE_HOME/gatehouse, default ~/.local/state/gatehouse.
 * - runtimeDir: files that must not outlive the login (the unlocked session).
 *   $XDG_RUNTIME_DIR/gatehouse (a tmpfs the system empties at logout and reboot); without
 *   XDG_RUNTIME_DIR (root on a server, cron, some containers) a per-user directory under the
 *   system temp dir, which is trusted only if we own it and nobody else can enter it.
 *
 * GATEHOUSE_HOME replaces dataDir and stateDir with one directory. The runtime directory
 * stays where it is (it is what makes an unlocked session end at logout or reboot); runtime
 * file names carry a hash of the data directory so two homes never share a session.
 */
export interface GatehousePaths {
  dataDir: string;
  stateDir: string;
  runtimeDir: string;
  /** True for the temp-dir fallback, which is refused rather than repaired when unsafe. */
  runtimeIsFallback: boolean;
}

export function resolvePaths(env: NodeJS.ProcessEnv): GatehousePaths {
  const home = env.HOME || homedir();
  const own = env.GATEHOUSE_HOME ? resolve(env.GATEHOUSE_HOME) : undefined;
  const runtimeBase = xdgDir(env.XDG_RUNTIME_DIR);
  return {
    dataDir: own ?? join(xdgDir(env.XDG_DATA_HOME) ?? join(home, '.local', 'share'), 'gatehouse'),
    stateDir: own ?? join(xdgDir(env.XDG_STATE_HOME) ?? join(home, '.local', 'state'), 'gatehouse'),
    runtimeDir: runtimeBase ? join(runtimeBase, 'gatehouse') : join(tmpdir(), `gatehouse-${currentUid()}`),
    runtimeIsFallback: !runtimeBase,
  };
}

/** A short, stable tag of the data directory, for runtime file names. */
export function homeTag(paths: GatehousePaths): string {
  return createHash('sha256').update(paths.dataDir).digest('hex').slice(0, 12);
}

/** The XDG spec says relative paths in these variables are invalid and must be ignored. */
function xdgDir(value: string | undefined): string | undefined {
  return value && isAbsolute(value) ? value : undefined;
}

/** The uid on POSIX; 'user' elsewhere (no uids, and no permission bits to check either). */
export function currentUid(): number | 'user' {
  return typeof process.getuid === 'function' ? process.getuid() : 'user';
}
