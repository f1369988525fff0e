import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The stored sign-in, as bytes: a JSON document whose `header` is in clear (who, which
 * server, when last used: enough to say what ended) and whose tokens are sealed with
 * AES-256-GCM under HKDF-SHA256(login key, a fresh salt per write). The header is the
 * additional authenticated data, so neither the account nor the last-use time can be
 * changed without the key: the 15-minute idle rule cannot be defeated by editing the file.
 *
 * The login key is 32 random bytes kept in the runtime directory, never next to this file
 * (see session-files.ts); this module only seals and opens.
 */

const FORMAT = 'gatehouse-login';
const VERSION = 1;

/** In clear but authenticated. Times are epoch milliseconds of the CLI's clock. */
export interface SessionHeader {
  server: string;
  email: string;
  userId: string;
  sessionId: string;
  signedInAt: number;
  lastUsed: number;
}

/** Sealed. */
export interface SessionTokens {
  refreshToken: string;
  accessToken: string;
  /** When the access token expires, by this machine's clock (from `expiresIn`, so server clock skew does not matter). */
  accessExpiresAt: number;
  /** Its lifetime in ms, which sets how early it is refreshed. */
  accessLifetimeMs: number;
}

export interface StoredSession {
  header: SessionHeader;
  tokens: SessionTokens;
}

interface SessionFile {
  format: typeof FORMAT;
  v: number;
  header: SessionHeader;
  salt: string;
  nonce: string;
  sealed: string;
}

/** The same session, last used at `now`. */
export function usedAt(session: StoredSession, now: number): StoredSession {
  return { header: { ...session.header, lastUsed: Math.floor(now) }, tokens: session.tokens };
}

export function sealSession(session: StoredSession, key: Buffer): Buffer {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const cipherKey = deriveKey(key, salt);
  const cipher = createCipheriv('aes-256-gcm', cipherKey, nonce).setAAD(headerData(session.header));
  const plaintext = Buffer.from(JSON.stringify(session.tokens));
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  plaintext.fill(0);
  cipherKey.fill(0);
  const file: SessionFile = {
    format: FORMAT,
    v: VERSION,
    header: session.header,
    salt: salt.toString('base64'),
    nonce: nonce.toString('base64'),
    sealed: sealed.toString('base64'),
  };
  return Buffer.from(`${JSON.stringify(file)}\n`);
}

/** The clear header, without opening anything; undefined when the file is not one of ours. */
export function readHeader(data: Buffer): SessionHeader | undefined {
  try {
    const file = JSON.parse(data.toString('utf8')) as Partial<SessionFile>;
    if (file.format !== FORMAT || file.v !== VERSION || !isHeader(file.header)) return undefined;
    return file.header;
  } catch {
    return undefined;
  }
}

/** The session, or undefined when the key does not open it (another key, a modified file). */
export function openSession(data: Buffer, key: Buffer): StoredSession | undefined {
  const header = readHeader(data);
  if (!header) return undefined;
  let cipherKey: Buffer | undefined;
  let plaintext: Buffer | undefined;
  try {
    const file = JSON.parse(data.toString('utf8')) as SessionFile;
    const sealed = Buffer.from(file.sealed, 'base64');
    cipherKey = deriveKey(key, Buffer.from(file.salt, 'base64'));
    const decipher = createDecipheriv('aes-256-gcm', cipherKey, Buffer.from(file.nonce, 'base64'), {
      authTagLength: 16,
    });
    decipher.setAAD(headerData(header)).setAuthTag(sealed.subarray(-16));
    plaintext = Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]);
    const tokens = JSON.parse(plaintext.toString('utf8')) as SessionTokens;
    return isTokens(tokens) ? { header, tokens } : undefined;
  } catch {
    return undefined;
  } finally {
    cipherKey?.fill(0);
    plaintext?.fill(0);
  }
}

function deriveKey(key: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, `${FORMAT} v${VERSION}`, 32));
}

/** The header in a fixed order, whatever order the JSON had: the bytes the tag covers. */
function headerData(header: SessionHeader): Buffer {
  const { server, email, userId, sessionId, signedInAt, lastUsed } = header;
  return Buffer.from(
    JSON.stringify([FORMAT, VERSION, server, email, userId, sessionId, signedInAt, lastUsed]),
  );
}

function isHeader(value: unknown): value is SessionHeader {
  const header = value as Partial<SessionHeader> | undefined;
  return (
    typeof header?.server === 'string' &&
    typeof header.email === 'string' &&
    typeof header.userId === 'string' &&
    typeof header.sessionId === 'string' &&
    Number.isSafeInteger(header.signedInAt) &&
    Number.isSafeInteger(header.lastUsed)
  );
}

function isTokens(value: unknown): value is SessionTokens {
  const tokens = value as Partial<SessionTokens> | undefined;
  return (
    typeof tokens?.refreshToken === 'string' &&
    typeof tokens.accessToken === 'string' &&
    Number.isFinite(tokens.accessExpiresAt) &&
    Number.isFinite(tokens.accessLifetimeMs)
  );
}
