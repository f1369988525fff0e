import { mkdirSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { AuthError } from '../errors/auth-error.js';
import { systemRandom, type RandomSource } from '../util/random.js';

export interface MasterSecretOptions {
  /** Base64 from configuration (GATEHOUSE_SECRET). */
  secret?: string | undefined;
  dataDir: string;
  /** Production or a shared database: instances must share one secret, so none may be generated. */
  required: boolean;
  /** Draws a development secret when none exists yet (default: the system's CSPRNG). */
  random?: RandomSource | undefined;
}

export interface MasterSecret {
  key: Buffer;
  source: 'configured' | 'data-dir' | 'generated';
  /** Where a development secret lives. */
  path?: string;
}

const MIN_BYTES = 32;

export function decodeMasterSecret(secret: string): Buffer {
  const trimmed = secret.trim();
  const key = Buffer.from(trimmed, 'base64');
  // Buffer.from ignores garbage silently; round-trip to be sure it was base64.
  const canonical = (value: string) => value.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (key.length < MIN_BYTES || canonical(key.toString('base64')) !== canonical(trimmed)) {
    throw new AuthError(
      'config_invalid',
      `GATEHOUSE_SECRET must be base64 of at least ${MIN_BYTES} random bytes (generate one with: openssl rand -base64 32)`,
    );
  }
  return key;
}

/**
 * The master secret encrypts signing keys and TOTP secrets. Configured in production;
 * for embedded development only, generated once into the data dir (mode 0600).
 */
export function resolveMasterSecret(options: MasterSecretOptions): MasterSecret {
  if (options.secret) return { key: decodeMasterSecret(options.secret), source: 'configured' };
  if (options.required) {
    throw new AuthError(
      'config_invalid',
      'GATEHOUSE_SECRET is required when NODE_ENV=production or DATABASE_URL is set: every instance must share it. ' +
        'Generate one with: openssl rand -base64 32',
    );
  }
  mkdirSync(options.dataDir, { recursive: true });
  const path = join(options.dataDir, 'secret');
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, (options.random ?? systemRandom).bytes(MIN_BYTES).toString('base64'));
    closeSync(fd);
    return { key: decodeMasterSecret(readFileSync(path, 'utf8')), source: 'generated', path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: decodeMasterSecret(readFileSync(path, 'utf8')), source: 'data-dir', path };
  }
}
