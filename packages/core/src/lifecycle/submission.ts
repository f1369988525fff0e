import type { SecretSubmission } from '../one-time/one-time-secrets.js';
import type { AccountParts } from './account-parts.js';

/** API.md's three shapes: `{ token }` (link), `{ email, code }` (otp), `{ <id>, code }` (uuid). */
export type CodeInput = { token: string } | { email: string; code: string } | { id: string; code: string };

/**
 * Turns an API submission into what OneTimeSecrets looks up. For `otp` the email names
 * the account (one Database read); an unknown email gives null, answered exactly like a
 * wrong code.
 */
export async function toSubmission(
  parts: AccountParts,
  tenant: string,
  input: CodeInput,
): Promise<SecretSubmission | null> {
  if ('token' in input) return { token: input.token };
  if ('id' in input) return { challengeId: input.id, code: input.code };
  const user = await parts.users.findByEmail(tenant, input.email);
  return user ? { userId: user.id, code: input.code } : null;
}
