/**
 * One line for a Gatehouse problem code (API.md's stable `code`s), written for the person
 * at the terminal: what happened and what to do. Unknown codes fall back to the server's
 * own title, which is generic by design (no internals ever reach a response).
 */
export function describeProblem(
  code: string,
  status: number,
  title: string | undefined,
  retryAfter: number,
): string {
  const known = KNOWN[code];
  if (known) return known;
  if (code === 'rate_limited') return `too many attempts; try again in ${waitText(retryAfter)}`;
  return `the server refused: ${title ?? code} (HTTP ${status}, ${code})`;
}

const KNOWN: Record<string, string> = {
  invalid_credentials: 'wrong email or password',
  account_locked:
    'the account is locked after too many failed sign-ins; try again in 15 minutes or ask an admin to unlock it',
  email_unverified: 'the email address is not verified yet: open the link in the verification email first',
  account_disabled: 'the account is disabled; ask an admin',
  invalid_code: 'wrong code (or the sign-in took more than 5 minutes)',
  unknown_tenant: 'the server is multi-tenant and needs a tenant; the CLI does not support that yet',
  not_found: 'not found on the server (HTTP 404); check --server',
  unavailable: 'the server is unavailable (one of its backends is down); try again later',
};

function waitText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return 'a while';
  return seconds < 120 ? `${Math.ceil(seconds)} s` : `${Math.ceil(seconds / 60)} minutes`;
}
