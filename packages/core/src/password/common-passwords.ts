/**
 * The offline common-password list NIST 800-63B asks verifiers to check:
 * zxcvbn-ts's `passwords-common` dictionary (about 49 000 of the most
 * frequent passwords in public breach corpora, all lower case). The Set is
 * built on first use, so processes that never check a password pay nothing
 * beyond loading the module.
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import { normalizePassword } from './normalize.js';

let common: ReadonlySet<string> | undefined;

function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(dictionary['passwords-common'].map((word) => normalizePassword(word).toLowerCase()));
  return common;
}

/** Whether `password` (NFKC, case-insensitive) is on the common-password list. */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(normalizePassword(password).toLowerCase());
}

/** Size of the list, for diagnostics and tests. */
export function commonPasswordCount(): number {
  return commonPasswords().size;
}
