import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { homeTag, type GatehousePaths } from './paths.js';
import { ensurePrivateDir, readPrivateFile, removeFile, writeFileAtomic } from './private-fs.js';

/**
 * A rolling unlocked session: after the passphrase is entered once, commands in the next
 * 15 minutes reuse the derived key, and each of them pushes the deadline back.
 *
 * Two files hold it, and neither opens anything alone:
 *
 * - the session secret: 32 random bytes in the data dir (0600), replaced at every unlock
 *   and deleted at `gatehouse lock` (and when the session is found expired);
 * - the runtime file in $XDG_RUNTIME_DIR/gatehouse (0600, a tmpfs emptied at logout and
 *   reboot): the payload (the vault key) and the time of last use, sealed with AES-256-GCM
 *   under HKDF-SHA256(session secret, fresh salt). The last-use time is authenticated, so
 *   it cannot be moved forward without the secret.
 *
 * What this buys: a copy of the runtime file alone is useless; so is a backup or sync of
 * the data dir (it has the secret but not the runtime file, which never leaves the
 * machine and disappears at logout); after a lock or an unlock the secret has changed, so
 * an older runtime file opens nothing. What it does not do: anyone running as this user
 * (or root) while a session is open can read both files, or the process memory, and the
 * 15-minute limit is enforced by this program, not by cryptography. It saves retyping a
 * passphrase; it is not a defence against malware in your account.
 */

export const SESSION_IDLE_MS = 15 * 60 * 1000;
/** A last use further in the future than this means the clock went back: the session ends. */
const CLOCK_SKEW_MS = 60 * 1000;
const VERSION = 1;

export interface SessionFiles {
  name: string;
  secretFile: string;
  runtimeFile: string;
  runtimeDir: string;
  strictRuntimeDir: boolean;
}

/** The session files called `name` (e.g. 'vault') of a Gatehouse home. */
export function sessionFiles(paths: GatehousePaths, name: string): SessionFiles {
  return {
    name,
    secretFile: join(paths.dataDir, `${name}-session.key`),
    runtimeFile: join(paths.runtimeDir, `${name}-session-${homeTag(paths)}`),
    runtimeDir: paths.runtimeDir,
    strictRuntimeDir: paths.runtimeIsFallback,
  };
}

export type ResumedSession =
  { payload: Buffer; ended?: undefined } | { payload?: undefined; ended: 'none' | 'expired' | 'invalid' };

/**
 * Creates (or checks) both directories; fails when the runtime directory cannot be trusted.
 * Called before asking anything of the user, so a refusal does not come after a passphrase.
 */
export async function prepareSessionDirs(files: SessionFiles): Promise<void> {
  await ensurePrivateDir(dirname(files.secretFile));
  await ensurePrivateDir(files.runtimeDir, { strict: files.strictRuntimeDir });
}

/** Opens a session holding `payload` (copied; the caller still owns and zeroes its buffer). */
export async function startSession(files: SessionFiles, payload: Buffer, now: number): Promise<void> {
  await prepareSessionDirs(files);
  const secret = randomBytes(32);
  try {
    await writeFileAtomic(files.secretFile, secret); // rotation: older runtime files are now junk
    await writeRuntimeFile(files, secret, payload, now);
  } finally {
    secret.fill(0);
  }
}

/**
 * The payload of the open session, its deadline pushed back to now + 15 min; or why there
 * is none (an expired or unreadable session is deleted on the way).
 */
export async function resumeSession(files: SessionFiles, now: number): Promise<ResumedSession> {
  await prepareSessionDirs(files);
  const sealed = await readPrivateFile(files.runtimeFile);
  const secret = sealed && (await readPrivateFile(files.secretFile));
  if (!sealed || !secret) return { ended: 'none' };
  try {
    const opened = openRuntimeFile(files, secret, sealed);
    if (!opened) {
      await endSession(files);
      return { ended: 'invalid' };
    }
    if (now - opened.lastUsed >= SESSION_IDLE_MS || opened.lastUsed - now > CLOCK_SKEW_MS) {
      opened.payload.fill(0);
      await endSession(files);
      return { ended: 'expired' };
    }
    await writeRuntimeFile(files, secret, opened.payload, now);
    return { payload: opened.payload };
  } finally {
    secret.fill(0);
  }
}

/** Ends the session at once; true when one was open. */
export async function endSession(files: SessionFiles): Promise<boolean> {
  const wasOpen = await removeFile(files.runtimeFile);
  await removeFile(files.secretFile);
  return wasOpen;
}

interface RuntimeFile {
  v: number;
  lastUsed: number;
  salt: string;
  nonce: string;
  sealed: string;
}

async function writeRuntimeFile(
  files: SessionFiles,
  secret: Buffer,
  payload: Buffer,
  now: number,
): Promise<void> {
  const lastUsed = Math.floor(now);
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const key = runtimeKey(files, secret, salt);
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(additionalData(files, lastUsed));
  const sealed = Buffer.concat([cipher.update(payload), cipher.final(), cipher.getAuthTag()]);
  key.fill(0);
  const body: RuntimeFile = {
    v: VERSION,
    lastUsed,
    salt: salt.toString('base64'),
    nonce: nonce.toString('base64'),
    sealed: sealed.toString('base64'),
  };
  await writeFileAtomic(files.runtimeFile, Buffer.from(JSON.stringify(body)));
}

function openRuntimeFile(
  files: SessionFiles,
  secret: Buffer,
  data: Buffer,
): { payload: Buffer; lastUsed: number } | undefined {
  let key: Buffer | undefined;
  try {
    const body = JSON.parse(data.toString('utf8')) as RuntimeFile;
    if (body.v !== VERSION || !Number.isSafeInteger(body.lastUsed)) return undefined;
    const sealed = Buffer.from(body.sealed, 'base64');
    key = runtimeKey(files, secret, Buffer.from(body.salt, 'base64'));
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(body.nonce, 'base64'), {
      authTagLength: 16,
    });
    decipher.setAAD(additionalData(files, body.lastUsed)).setAuthTag(sealed.subarray(-16));
    const payload = Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]);
    return { payload, lastUsed: body.lastUsed };
  } catch {
    return undefined; // malformed, or sealed under an older secret: no session
  } finally {
    key?.fill(0);
  }
}

function runtimeKey(files: SessionFiles, secret: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, salt, `gatehouse ${files.name} session v${VERSION}`, 32));
}

function additionalData(files: SessionFiles, lastUsed: number): Buffer {
  return Buffer.from(`gatehouse ${files.name} session v${VERSION} last-used ${lastUsed}`);
}
