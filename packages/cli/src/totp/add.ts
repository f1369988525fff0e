import { CliFailure, usageFailure } from '../secure-files/errors.js';
import { canPrompt, promptHidden } from '../secure-files/prompt.js';
import { readFirstLine } from '../secure-files/stdin-line.js';
import { base32Decode } from './base32.js';
import type { VaultContext } from './context.js';
import {
  DEFAULTS,
  checkName,
  checkSecret,
  parseAlgorithm,
  parseCounter,
  parseDigits,
  parsePeriod,
  type OtpEntry,
} from './entry.js';
import { assertFreeName, describeEntry } from './find-entry.js';
import { parseOtpauthUri } from './otpauth-uri.js';
import { closeVault, saveVault, unlockOrCreateVault } from './vault-access.js';

export interface AddOptions {
  uri?: string | undefined;
  'uri-stdin'?: boolean | undefined;
  secret?: string | undefined;
  'secret-stdin'?: boolean | undefined;
  issuer?: string | undefined;
  account?: string | undefined;
  digits?: string | undefined;
  period?: string | undefined;
  algorithm?: string | undefined;
  hotp?: boolean | undefined;
  counter?: string | undefined;
}

const SOURCES = ['uri', 'uri-stdin', 'secret', 'secret-stdin'] as const;
const PARAMETERS = ['issuer', 'account', 'digits', 'period', 'algorithm', 'hotp', 'counter'] as const;

/**
 * `gatehouse totp add <name>`: the entry is built (and the secret checked) before the vault
 * is unlocked, so a typo costs no passphrase and never creates an empty vault.
 */
export async function addEntry(context: VaultContext, name: string, options: AddOptions): Promise<number> {
  checkName(name);
  const entry = await entryFromInput(context, name, options);
  try {
    const vault = await unlockOrCreateVault(context);
    try {
      assertFreeName(vault.entries, name);
      vault.entries.push(entry);
      await saveVault(context, vault, { action: 'add', name });
    } finally {
      closeVault(vault);
    }
  } finally {
    entry.secret.fill(0);
  }
  context.out.error(`Added ${name} (${describeEntry(entry)}).`);
  return 0;
}

async function entryFromInput(context: VaultContext, name: string, options: AddOptions): Promise<OtpEntry> {
  const sources = SOURCES.filter((source) => options[source] !== undefined);
  if (sources.length > 1) throw usageFailure(`use one of --${sources.join(', --')}, not several`);
  const input = await readInput(context, options);
  if (/^otpauth:\/\//i.test(input.text)) {
    const given = PARAMETERS.filter((parameter) => options[parameter] !== undefined);
    if (given.length > 0) throw usageFailure(`--${given[0]} cannot be combined with a URI: the URI sets it`);
    return { name, ...parseOtpauthUri(input.text).entry };
  }
  if (input.kind === 'uri') throw new CliFailure('invalid otpauth URI: it does not start with otpauth://');
  return { name, ...parametersFrom(options), secret: checkSecret(base32Decode(input.text)) };
}

type InputKind = 'uri' | 'secret' | 'either';

const PROMPTS: Record<InputKind, string> = {
  uri: 'otpauth:// URI',
  secret: 'Secret (base32)',
  either: 'Secret (base32) or otpauth:// URI',
};

/**
 * The secret or URI: from the option, else the first line of stdin or a no-echo prompt.
 * Bytes from stdin or the terminal are wiped once they are text; the text itself is a
 * JavaScript string and cannot be (see docs/cli-authenticator.md).
 */
async function readInput(
  context: VaultContext,
  options: AddOptions,
): Promise<{ kind: InputKind; text: string }> {
  if (options.uri !== undefined) return { kind: 'uri', text: options.uri.trim() };
  if (options.secret !== undefined) return { kind: 'secret', text: options.secret };
  const kind = options['uri-stdin'] ? 'uri' : options['secret-stdin'] ? 'secret' : 'either';
  const bytes = await readSecretBytes(context, kind);
  const text = bytes.toString('utf8').trim();
  bytes.fill(0);
  return { kind, text };
}

async function readSecretBytes(context: VaultContext, kind: InputKind): Promise<Buffer> {
  if (canPrompt(context)) return promptHidden(`${PROMPTS[kind]}: `, context);
  if (kind !== 'either') return readFirstLine(context.stdin, PROMPTS[kind]);
  throw usageFailure(
    'no secret given: use --uri-stdin or --secret-stdin, or run in a terminal to be asked for it',
  );
}

/** The entry's parameters from the options; a bad value is a usage error (exit 2). */
function parametersFrom(options: AddOptions): Omit<OtpEntry, 'name' | 'secret'> {
  try {
    return parameters(options);
  } catch (error) {
    throw error instanceof CliFailure ? usageFailure(error.message) : error;
  }
}

function parameters(options: AddOptions): Omit<OtpEntry, 'name' | 'secret'> {
  const kind = options.hotp ? 'hotp' : 'totp';
  if (kind === 'totp' && options.counter !== undefined) throw usageFailure('--counter needs --hotp');
  if (kind === 'hotp' && options.period !== undefined) throw usageFailure('--period is for TOTP, not --hotp');
  return {
    kind,
    issuer: options.issuer || undefined,
    account: options.account || undefined,
    algorithm: parseAlgorithm(options.algorithm ?? DEFAULTS.algorithm),
    digits: parseDigits(options.digits ?? String(DEFAULTS.digits)),
    period: parsePeriod(options.period ?? String(DEFAULTS.period)),
    counter: parseCounter(options.counter ?? String(DEFAULTS.counter)),
  };
}
