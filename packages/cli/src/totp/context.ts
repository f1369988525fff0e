import { join } from 'node:path';
import { appendAuditEvent, type AuditEvent } from '../audit/log.js';
import { describeError, type Output } from '../output.js';
import { cliClock, type Clock } from '../secure-files/clock.js';
import { resolvePaths, type GatehousePaths } from '../secure-files/paths.js';

/** What every vault command works with; tests and the CLI build it from the environment. */
export interface VaultContext {
  env: NodeJS.ProcessEnv;
  paths: GatehousePaths;
  now: Clock;
  /** info: machine output (stdout); error: messages for people (stderr). */
  out: Output;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export function vaultContext(env: NodeJS.ProcessEnv, out: Output): VaultContext {
  return {
    env,
    paths: resolvePaths(env),
    now: cliClock(),
    out,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  };
}

export function vaultPath(paths: GatehousePaths): string {
  return join(paths.dataDir, 'vault');
}

/**
 * Records a security event. A log that cannot be written (full disk, permissions) is
 * reported but does not block the user from their codes.
 */
export async function recordEvent(context: VaultContext, event: AuditEvent): Promise<void> {
  try {
    await appendAuditEvent(context.paths, event, context.now());
  } catch (error) {
    context.out.error(`Warning: could not write the audit log: ${describeError(error, false)}`);
  }
}
