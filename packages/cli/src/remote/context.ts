import type { Output } from '../output.js';
import { vaultContext, type VaultContext } from '../totp/context.js';
import { loginFiles, type LoginFiles } from './session-files.js';

/**
 * What the sign-in commands work with: the vault's context (paths, the injectable clock,
 * the streams, the audit log; `login --totp` opens the vault with it) and the sign-in files.
 */
export interface RemoteContext extends VaultContext {
  files: LoginFiles;
}

export function remoteContext(env: NodeJS.ProcessEnv, out: Output): RemoteContext {
  const base = vaultContext(env, out);
  return { ...base, files: loginFiles(base.paths) };
}
