import { readFile } from 'node:fs/promises';
import { CliFailure } from '../secure-files/errors.js';
import type { VaultContext } from './context.js';
import { checkName, wipeEntries, type OtpEntry } from './entry.js';
import { parseMigrationUri } from './migration.js';
import { parseOtpauthUri } from './otpauth-uri.js';
import { closeVault, saveVault, unlockOrCreateVault } from './vault-access.js';

const MAX_FILE = 1024 * 1024;

/**
 * `gatehouse totp import <file|->`: otpauth:// URIs one per line, and Google Authenticator
 * otpauth-migration:// exports (blank lines and # comments skipped). All or nothing: one
 * bad line fails the import before the vault is touched. Names already in the vault are
 * skipped, so importing the same file twice is harmless.
 */
export async function importEntries(context: VaultContext, file: string): Promise<number> {
  const entries = parseImport(await readImport(context, file));
  try {
    const vault = await unlockOrCreateVault(context);
    try {
      const added = entries.filter(
        (entry) => !vault.entries.some((existing) => existing.name === entry.name),
      );
      const skipped = entries.filter((entry) => !added.includes(entry)).map((entry) => entry.name);
      vault.entries.push(...added.map((entry) => ({ ...entry, secret: Buffer.from(entry.secret) })));
      if (added.length > 0) await saveVault(context, vault, { action: 'import', count: added.length });
      const names = added.map((entry) => entry.name).join(', ');
      context.out.error(
        `Imported ${added.length} ${added.length === 1 ? 'entry' : 'entries'}${names ? `: ${names}` : ''}.`,
      );
      if (skipped.length > 0)
        context.out.error(`Skipped ${skipped.length} that exist already: ${skipped.join(', ')}.`);
      return 0;
    } finally {
      closeVault(vault);
    }
  } finally {
    wipeEntries(entries);
  }
}

async function readImport(context: VaultContext, file: string): Promise<string> {
  let data: Buffer;
  try {
    data = file === '-' ? await readStream(context.stdin) : await readFile(file);
  } catch (error) {
    throw new CliFailure(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (data.length > MAX_FILE) throw new CliFailure(`${file} is larger than 1 MiB; not an export`);
  const text = data.toString('utf8');
  data.fill(0);
  return text;
}

/** Every entry of the file, named "Issuer:account" (a repeated name keeps its first entry). */
function parseImport(text: string): OtpEntry[] {
  const entries: OtpEntry[] = [];
  const lines = text.split(/\r?\n/);
  try {
    for (const [index, raw] of lines.entries()) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const parsed = lineEntries(line, index + 1);
      for (const { entry, suggestedName } of parsed) {
        const name = checkName(suggestedName);
        if (entries.some((other) => other.name === name)) entry.secret.fill(0);
        else entries.push({ name, ...entry });
      }
    }
  } catch (error) {
    wipeEntries(entries);
    throw error;
  }
  if (entries.length === 0) throw new CliFailure('no otpauth:// or otpauth-migration:// URIs found');
  return entries;
}

function lineEntries(line: string, number: number) {
  try {
    return /^otpauth-migration:/i.test(line) ? parseMigrationUri(line) : [parseOtpauthUri(line)];
  } catch (error) {
    if (error instanceof CliFailure)
      throw new CliFailure(`line ${number}: ${error.message}; nothing was imported`);
    throw error;
  }
}

async function readStream(stream: NodeJS.ReadStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    if ((size += chunk.length) > MAX_FILE) break;
  }
  const data = Buffer.concat(chunks);
  for (const chunk of chunks) chunk.fill(0);
  return data;
}
