import { timingSafeEqual } from 'node:crypto';
import { CliFailure, usageFailure } from '../secure-files/errors.js';
import { canPrompt, promptHidden } from '../secure-files/prompt.js';
import type { VaultContext } from './context.js';

/** For scripts: the passphrase of the vault (and of a new vault). */
export const PASSPHRASE_ENV = 'GATEHOUSE_VAULT_PASSPHRASE';
/** For scripts: the new passphrase of `gatehouse totp passwd`. */
export const NEW_PASSPHRASE_ENV = 'GATEHOUSE_VAULT_NEW_PASSPHRASE';

const MIN_LENGTH = 8;

/** Whether a passphrase can be had at all (from the environment or a terminal). */
export function passphraseAvailable(context: VaultContext): boolean {
  return context.env[PASSPHRASE_ENV] !== undefined || canPrompt(context);
}

/** The vault passphrase, from GATEHOUSE_VAULT_PASSPHRASE or a no-echo prompt; the caller zeroes it. */
export async function askPassphrase(context: VaultContext, why: string): Promise<Buffer> {
  const fromEnv = fromEnvironment(context, PASSPHRASE_ENV);
  if (fromEnv) return fromEnv;
  if (!canPrompt(context)) {
    throw new CliFailure(
      `${why}, and there is no terminal to ask for the passphrase: run the command in a terminal, or set ${PASSPHRASE_ENV}`,
    );
  }
  return promptHidden('Vault passphrase: ', context);
}

/**
 * A new passphrase: from `variable` for scripts, else typed twice at a prompt (a typo in a
 * passphrase you cannot see would lock you out of the vault for good).
 */
export async function askNewPassphrase(context: VaultContext, variable: string): Promise<Buffer> {
  const passphrase = fromEnvironment(context, variable) ?? (await promptTwice(context, variable));
  if (passphrase.toString('utf8').length < MIN_LENGTH) {
    passphrase.fill(0);
    throw new CliFailure(`the passphrase is too short: use at least ${MIN_LENGTH} characters`);
  }
  return passphrase;
}

async function promptTwice(context: VaultContext, variable: string): Promise<Buffer> {
  if (!canPrompt(context)) {
    throw new CliFailure(
      `a new passphrase is needed and there is no terminal to ask for it: set ${variable}`,
    );
  }
  const first = await promptHidden('New vault passphrase: ', context);
  const second = await promptHidden('Repeat the passphrase: ', context);
  const same = first.length === second.length && timingSafeEqual(first, second);
  second.fill(0);
  if (same) return first;
  first.fill(0);
  throw new CliFailure('the two passphrases differ; nothing was changed');
}

function fromEnvironment(context: VaultContext, variable: string): Buffer | undefined {
  const value = context.env[variable];
  if (value === undefined) return undefined;
  if (!value) throw usageFailure(`${variable} is set but empty`);
  return Buffer.from(value, 'utf8');
}
