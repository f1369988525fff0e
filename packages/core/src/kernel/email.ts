/**
 * Email normalisation for uniqueness and lookup: trimmed, NFC, lower-cased. The
 * address as typed (trimmed) is kept for display and mail. Dots and `+tags` are not
 * folded: that is provider-specific and would merge distinct mailboxes.
 */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

/** The part before the last `@` (used by the password policy's contains-identifier rule). */
export function emailLocalPart(email: string): string {
  const at = email.lastIndexOf('@');
  return at === -1 ? email : email.slice(0, at);
}

export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at === -1 ? '' : normalizeEmail(email.slice(at + 1));
}
