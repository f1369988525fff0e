import { CliFailure } from '../secure-files/errors.js';
import { ALGORITHMS, type OtpEntry } from './entry.js';

/**
 * The vault's plaintext: a 4-byte length, JSON metadata, then the secrets' bytes back to
 * back. Secrets stay out of the JSON so they are never JavaScript strings (which cannot be
 * zeroed); they are Buffers from the moment they are decrypted until the vault is closed.
 */
const VERSION = 1;

type StoredEntry = Omit<OtpEntry, 'secret'> & { secretLength: number };

interface Metadata {
  v: number;
  entries: StoredEntry[];
}

/** The plaintext for `entries`; the caller zeroes it once it is sealed. */
export function encodeEntries(entries: readonly OtpEntry[]): Buffer {
  const metadata: Metadata = {
    v: VERSION,
    entries: entries.map(({ secret, ...entry }) => ({ ...entry, secretLength: secret.length })),
  };
  const json = Buffer.from(JSON.stringify(metadata));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([length, json, ...entries.map((entry) => entry.secret)]);
}

/** The entries of a decrypted plaintext; their secrets are copies (the caller zeroes the plaintext). */
export function decodeEntries(plaintext: Buffer): OtpEntry[] {
  const metadata = readMetadata(plaintext);
  let offset = 4 + plaintext.readUInt32BE(0);
  const entries: OtpEntry[] = [];
  for (const { secretLength, ...stored } of metadata.entries) {
    const secret = Buffer.from(plaintext.subarray(offset, (offset += secretLength)));
    entries.push({ ...stored, secret });
  }
  if (offset !== plaintext.length) throw unreadable('secret lengths do not add up');
  return entries;
}

function readMetadata(plaintext: Buffer): Metadata {
  if (plaintext.length < 4) throw unreadable('too short');
  const end = 4 + plaintext.readUInt32BE(0);
  let metadata: Metadata;
  try {
    metadata = JSON.parse(plaintext.subarray(4, end).toString('utf8')) as Metadata;
  } catch {
    throw unreadable('bad metadata');
  }
  if (metadata.v !== VERSION) {
    throw new CliFailure(
      `the vault has format version ${metadata.v}; this gatehouse reads version ${VERSION}`,
    );
  }
  if (!Array.isArray(metadata.entries) || !metadata.entries.every(isStoredEntry))
    throw unreadable('bad entries');
  return metadata;
}

function isStoredEntry(entry: StoredEntry): boolean {
  return (
    typeof entry.name === 'string' &&
    (entry.kind === 'totp' || entry.kind === 'hotp') &&
    ALGORITHMS.includes(entry.algorithm) &&
    [6, 7, 8].includes(entry.digits) &&
    Number.isSafeInteger(entry.period) &&
    Number.isSafeInteger(entry.counter) &&
    Number.isSafeInteger(entry.secretLength)
  );
}

function unreadable(reason: string): CliFailure {
  return new CliFailure(`the vault decrypted but its content is unreadable (${reason})`);
}
