import { CliFailure } from '../secure-files/errors.js';

/** One authenticator secret and how its codes are made. */
export interface OtpEntry {
  /** What the user calls it; unique in the vault. */
  name: string;
  kind: 'totp' | 'hotp';
  /** The shared key; zeroed when the vault is closed. */
  secret: Buffer;
  issuer?: string | undefined;
  account?: string | undefined;
  algorithm: OtpAlgorithm;
  digits: OtpDigits;
  /** TOTP step in seconds. */
  period: number;
  /** HOTP: the counter of the next code. */
  counter: number;
}

export const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'] as const;
export type OtpAlgorithm = (typeof ALGORITHMS)[number];
export type OtpDigits = 6 | 7 | 8;

export const DEFAULTS = { algorithm: 'SHA1', digits: 6, period: 30, counter: 0 } as const;

/** RFC 4226 wants at least 128 bits; 80 is what many sites issue, below that is a typo. */
const MIN_SECRET_BYTES = 10;
const MAX_SECRET_BYTES = 1024;
const MAX_PERIOD = 86_400;
const MAX_NAME = 128;

/** Names are shown in lists and typed as arguments: printable, not option-like, bounded. */
export function checkName(name: string): string {
  if (!name || name.length > MAX_NAME) throw new CliFailure(`a name has 1 to ${MAX_NAME} characters`, 2);
  if (name.startsWith('-')) throw new CliFailure(`a name may not start with "-" (${name})`, 2);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name))
    throw new CliFailure('a name may not contain control characters', 2);
  return name;
}

export function checkSecret(secret: Buffer): Buffer {
  if (secret.length < MIN_SECRET_BYTES || secret.length > MAX_SECRET_BYTES) {
    const length = secret.length;
    secret.fill(0);
    throw new CliFailure(
      `the secret is ${length} bytes; expected ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} (16 or more base32 characters)`,
    );
  }
  return secret;
}

/** SHA1, sha-256, Sha512…; MD5 and the rest are refused. */
export function parseAlgorithm(value: string): OtpAlgorithm {
  const normal = value.toUpperCase().replace('-', '');
  const algorithm = ALGORITHMS.find((candidate) => candidate === normal);
  if (!algorithm) throw new CliFailure(`unsupported algorithm ${value} (use SHA1, SHA256 or SHA512)`);
  return algorithm;
}

export function parseDigits(value: string): OtpDigits {
  if (value === '6' || value === '7' || value === '8') return Number(value) as OtpDigits;
  throw new CliFailure(`unsupported digits ${value} (use 6, 7 or 8)`);
}

export function parsePeriod(value: string): number {
  const period = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (period >= 1 && period <= MAX_PERIOD) return period;
  throw new CliFailure(`invalid period ${value} (whole seconds, 1 to ${MAX_PERIOD})`);
}

export function parseCounter(value: string): number {
  const counter = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isSafeInteger(counter)) return counter;
  throw new CliFailure(`invalid counter ${value} (a whole number from 0 to 2^53-1)`);
}

/** The name an imported entry gets: "Issuer:account", as authenticator apps show it. */
export function defaultName(issuer: string | undefined, account: string | undefined): string {
  if (issuer && account && issuer !== account) return `${issuer}:${account}`;
  return account || issuer || 'unnamed';
}

/** Wipes the secrets of entries about to be dropped. */
export function wipeEntries(entries: readonly OtpEntry[]): void {
  for (const entry of entries) entry.secret.fill(0);
}
