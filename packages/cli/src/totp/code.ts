import { setTimeout as sleep } from 'node:timers/promises';
import { usageFailure } from '../secure-files/errors.js';
import { recordEvent, type VaultContext } from './context.js';
import type { OtpEntry } from './entry.js';
import { findEntry } from './find-entry.js';
import { entryCode, secondsLeft } from './otp.js';
import { saveVault, withVault } from './vault-access.js';

const BAR_WIDTH = 20;

/**
 * `gatehouse totp code <name> [--watch]`. Piped, it prints the code alone (for scripts and
 * clipboards); on a terminal it adds the seconds left, and --watch redraws a countdown
 * until Ctrl-C. A HOTP counter is saved before its code is shown, so a crash can never
 * show the same code twice.
 */
export async function showCode(context: VaultContext, name: string, { watch = false }): Promise<number> {
  const terminal = context.stdout.isTTY === true;
  if (watch && !terminal)
    throw usageFailure('--watch needs a terminal on stdout (piped, the code is printed once)');
  return withVault(context, async (vault) => {
    const entry = findEntry(vault.entries, name);
    if (watch && entry.kind === 'hotp')
      throw usageFailure('--watch is for TOTP entries; HOTP codes change only when used');
    const now = context.now();
    const code = entryCode(entry, now);
    if (entry.kind === 'hotp') {
      entry.counter += 1;
      await saveVault(context, vault, undefined);
    }
    await recordEvent(context, { event: 'vault.code_shown', name, ...(watch ? { watch } : {}) });
    if (watch) return watchCodes(context, entry);
    context.out.info(
      terminal && entry.kind === 'totp' ? `${code}  (${secondsLeft(now, entry.period)} s left)` : code,
    );
    return 0;
  });
}

/** Redraws "code  ████░░░░  12 s" once a second until SIGINT (Ctrl-C), then exits 0. */
async function watchCodes(context: VaultContext, entry: OtpEntry): Promise<number> {
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once('SIGINT', onInterrupt);
  context.stdout.write('\x1b[?25l'); // hide the cursor while redrawing
  try {
    while (!stop.signal.aborted) {
      const now = context.now();
      const left = secondsLeft(now, entry.period);
      const filled = Math.round((left / entry.period) * BAR_WIDTH);
      const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
      context.stdout.write(`\r\x1b[2K${entryCode(entry, now)}  ${bar}  ${String(left).padStart(2)} s`);
      await sleep(1000 - (now % 1000), undefined, { signal: stop.signal }).catch(() => undefined);
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    context.stdout.write('\x1b[?25h\n');
  }
  return 0;
}
