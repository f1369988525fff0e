import { CliFailure } from '../secure-files/errors.js';
import type { OtpEntry } from './entry.js';

/** The entry called `name` (exact match), or a failure that says how to see the names. */
export function findEntry(entries: readonly OtpEntry[], name: string): OtpEntry {
  const entry = entries.find((candidate) => candidate.name === name);
  if (entry) return entry;
  const hint = entries.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  throw new CliFailure(
    `no entry named "${name}"${hint ? ` (did you mean "${hint.name}"?)` : ''}; see gatehouse totp list`,
  );
}

export function assertFreeName(entries: readonly OtpEntry[], name: string): void {
  if (entries.some((entry) => entry.name === name)) {
    throw new CliFailure(`an entry named "${name}" exists already; remove or rename it first`);
  }
}

/** How an entry's codes are made, e.g. "SHA1 6 digits 30 s" or "SHA1 6 digits counter 4". */
export function entryParameters(entry: OtpEntry): string {
  const step = entry.kind === 'totp' ? `${entry.period} s` : `counter ${entry.counter}`;
  return `${entry.algorithm} ${entry.digits} digits ${step}`;
}

/** E.g. "totp SHA1 6 digits 30 s". */
export function describeEntry(entry: OtpEntry): string {
  return `${entry.kind} ${entryParameters(entry)}`;
}
