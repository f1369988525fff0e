import { CliFailure } from '../secure-files/errors.js';
import { withFileLock } from '../secure-files/file-lock.js';
import {
  ensurePrivateDir,
  readPrivateFile,
  writeFileAtomic,
  type AtomicWriteOptions,
} from '../secure-files/private-fs.js';
import {
  endSession,
  prepareSessionDirs,
  resumeSession,
  sessionFiles,
  startSession,
} from '../secure-files/session.js';
import { testHooks } from '../secure-files/test-hooks.js';
import { recordEvent, vaultPath, type VaultContext } from './context.js';
import { wipeEntries, type OtpEntry } from './entry.js';
import { NEW_PASSPHRASE_ENV, PASSPHRASE_ENV, askNewPassphrase, askPassphrase } from './passphrase.js';
import { decodeEntries, encodeEntries } from './vault-codec.js';
import {
  TamperedVaultError,
  WrongKeyError,
  deriveVaultKey,
  newKdfParams,
  openSealedVault,
  parseVaultFile,
  sealVault,
  type KdfParams,
  type ParsedVault,
} from './vault-file.js';

/**
 * Opening, creating and saving the vault: the one place that decides where the key comes
 * from (the open session, else the passphrase, which opens a session) and that writes the
 * file (atomically) and the audit events.
 */
export interface OpenVault {
  entries: OtpEntry[];
  key: Buffer;
  kdf: KdfParams;
  /** Not on disk yet: the first save creates it. */
  isNew: boolean;
  /** The file as read (undefined for a new vault): a save checks nobody changed it since. */
  fileBytes: Buffer | undefined;
}

/** The vault file, parsed, with its bytes as read. */
type ReadVault = ParsedVault & { fileBytes: Buffer };

const SESSION = 'vault';
/** Prompt attempts on a terminal; a passphrase from the environment gets one. */
const PROMPT_ATTEMPTS = 3;

/** The vault, or undefined when there is none yet. */
export async function unlockVault(
  context: VaultContext,
  { requirePassphrase = false } = {},
): Promise<OpenVault | undefined> {
  const parsed = await readVault(context);
  if (!parsed) return undefined;
  const session = sessionFiles(context.paths, SESSION);
  const resumed = await resumeSession(session, context.now());
  if (resumed.payload) {
    const opened = requirePassphrase ? undefined : await openWithSessionKey(context, parsed, resumed.payload);
    if (opened) return opened;
    resumed.payload.fill(0);
  }
  const why = resumed.ended === 'expired' ? 'the session ended after 15 idle minutes' : 'the vault is locked';
  return unlockWithPassphrase(
    context,
    parsed,
    requirePassphrase ? 'a passphrase change needs the current passphrase' : why,
  );
}

/** The vault, created empty (a new passphrase is asked for, twice on a terminal) if there is none. */
export async function unlockOrCreateVault(context: VaultContext): Promise<OpenVault> {
  const existing = await unlockVault(context);
  if (existing) return existing;
  await prepareSessionDirs(sessionFiles(context.paths, SESSION));
  context.out.error(`Creating the vault ${vaultPath(context.paths)}.`);
  const passphrase = await askNewPassphrase(context, PASSPHRASE_ENV);
  const kdf = newKdfParams();
  const key = await derive(passphrase, kdf);
  await startSession(sessionFiles(context.paths, SESSION), key, context.now());
  return { entries: [], key, kdf, isNew: true, fileBytes: undefined };
}

/** Opens the vault for `work` and wipes its key and secrets afterwards; fails when there is no vault. */
export async function withVault(
  context: VaultContext,
  work: (vault: OpenVault) => Promise<number>,
): Promise<number> {
  const vault = await unlockVault(context);
  if (!vault) throw new CliFailure(`there is no vault yet: add a secret first (gatehouse totp add <name>)`);
  try {
    return await work(vault);
  } finally {
    closeVault(vault);
  }
}

/**
 * Writes the vault atomically and records the change (`action`: add, remove, rename…);
 * `change` undefined for bookkeeping that has its own event (a HOTP counter step).
 */
export async function saveVault(
  context: VaultContext,
  vault: OpenVault,
  change: { action: string; [detail: string]: string | number | boolean } | undefined,
): Promise<void> {
  const file = vaultPath(context.paths);
  const plaintext = encodeEntries(vault.entries);
  const sealed = sealVault(plaintext, vault.key, vault.kdf);
  plaintext.fill(0);
  await ensurePrivateDir(context.paths.dataDir);
  // Read-modify-write under a lock, and only over the file this command read: two commands
  // changing the vault at once must not silently drop one change (or reuse a HOTP counter).
  await withFileLock(file, async () => {
    const current = await readPrivateFile(file);
    if (!sameBytes(current, vault.fileBytes)) {
      throw new CliFailure(
        'another gatehouse command changed the vault meanwhile; nothing was saved: run this one again',
      );
    }
    await writeFileAtomic(file, sealed, crashHook());
  });
  vault.fileBytes = sealed;
  if (change) {
    await recordEvent(context, {
      event: 'vault.changed',
      ...change,
      ...(vault.isNew ? { created: true } : {}),
    });
  }
  vault.isNew = false;
}

/** Re-keys the vault under a new passphrase (new salt, current KDF strength) and saves it. */
export async function rekeyVault(context: VaultContext, vault: OpenVault): Promise<void> {
  const passphrase = await askNewPassphrase(context, NEW_PASSPHRASE_ENV);
  const kdf = newKdfParams();
  const key = await derive(passphrase, kdf);
  vault.key.fill(0);
  Object.assign(vault, { key, kdf });
  await saveVault(context, vault, { action: 'passwd' });
  await startSession(sessionFiles(context.paths, SESSION), key, context.now());
}

export function closeVault(vault: OpenVault): void {
  vault.key.fill(0);
  wipeEntries(vault.entries);
}

async function readVault(context: VaultContext): Promise<ReadVault | undefined> {
  await ensurePrivateDir(context.paths.dataDir);
  const file = await readPrivateFile(vaultPath(context.paths));
  if (!file) return undefined;
  try {
    return { ...parseVaultFile(file), fileBytes: file };
  } catch (error) {
    await recordEvent(context, { event: 'vault.unlock_failed', reason: 'damaged' });
    throw error;
  }
}

/** The vault opened with the session's key; undefined when the key no longer fits (re-keyed elsewhere). */
async function openWithSessionKey(
  context: VaultContext,
  parsed: ReadVault,
  key: Buffer,
): Promise<OpenVault | undefined> {
  try {
    return decrypt(parsed, key);
  } catch (error) {
    if (!(error instanceof WrongKeyError)) return failUnlock(context, error);
    await endSession(sessionFiles(context.paths, SESSION));
    return undefined;
  }
}

async function unlockWithPassphrase(
  context: VaultContext,
  parsed: ReadVault,
  why: string,
): Promise<OpenVault> {
  const attempts = context.env[PASSPHRASE_ENV] === undefined ? PROMPT_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const key = await derive(await askPassphrase(context, why), parsed.header.kdf);
    try {
      const vault = decrypt(parsed, key);
      await startSession(sessionFiles(context.paths, SESSION), key, context.now());
      await recordEvent(context, {
        event: 'vault.unlock',
        source: attempts === 1 ? 'environment' : 'prompt',
      });
      return vault;
    } catch (error) {
      key.fill(0);
      if (!(error instanceof WrongKeyError) || attempt >= attempts) return failUnlock(context, error);
      await recordEvent(context, { event: 'vault.unlock_failed', reason: 'wrong_passphrase' });
      context.out.error('Wrong passphrase; try again.');
    }
  }
}

async function failUnlock(context: VaultContext, error: unknown): Promise<never> {
  if (error instanceof WrongKeyError || error instanceof TamperedVaultError) {
    const reason = error instanceof WrongKeyError ? 'wrong_passphrase' : 'integrity';
    await recordEvent(context, { event: 'vault.unlock_failed', reason });
  }
  throw error;
}

/** Decrypts and decodes; the key is kept (the vault holds it), the plaintext is wiped. */
function decrypt(parsed: ReadVault, key: Buffer): OpenVault {
  const plaintext = openSealedVault(parsed, key);
  try {
    const entries = decodeEntries(plaintext);
    return { entries, key, kdf: parsed.header.kdf, isNew: false, fileBytes: parsed.fileBytes };
  } finally {
    plaintext.fill(0);
  }
}

async function derive(passphrase: Buffer, kdf: KdfParams): Promise<Buffer> {
  try {
    return await deriveVaultKey(passphrase, kdf);
  } finally {
    passphrase.fill(0);
  }
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.equals(b);
}

/**
 * A test run may stop a vault write between its complete temp file and the rename
 * (test-hooks.ts `beforeVaultRename`), to kill it at the worst moment and check that the
 * old vault survived.
 */
function crashHook(): AtomicWriteOptions {
  const beforeRename = testHooks().beforeVaultRename;
  return beforeRename === undefined ? {} : { beforeRename };
}
