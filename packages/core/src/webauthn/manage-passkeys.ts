import { staleSignIn } from '../access/index.js';
import { factorsChanged } from '../mfa/index.js';
import { activeUser } from '../accounts/active-user.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import type { SignedIn } from '../kernel/signed-in.js';
import type { PasskeyFlowParts } from './passkey-parts.js';
import { fail, type Outcome } from '../kernel/outcome.js';
import type { PasskeyRow } from './passkey-repository.js';

/** GET /auth/webauthn/credentials: what a user sees of a passkey (public material only). */
export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  deviceType: string;
  backedUp: boolean;
  transports: string[];
}

export const toPasskeyView = (row: PasskeyRow): PasskeyView => ({
  id: row.id,
  name: row.name,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  deviceType: row.deviceType,
  backedUp: row.backedUp,
  transports: row.transports,
});

export async function listPasskeys(
  parts: PasskeyFlowParts,
  who: SignedIn,
  ctx: RequestContext,
): Promise<PasskeyView[]> {
  const rows = await parts.passkeys.repository.listForUser(ctx.tenant, who.userId);
  return rows.map(toPasskeyView);
}

/**
 * DELETE /auth/webauthn/credentials/:id (a recent sign-in first): only the caller's
 * own passkey (another user's or tenant's is 404), never the account's last way in.
 */
export async function removePasskey(
  parts: PasskeyFlowParts,
  who: SignedIn,
  id: string,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  const { repository } = parts.passkeys;
  const owned = await repository.listForUser(ctx.tenant, user.id);
  if (!owned.some((passkey) => passkey.id === id)) return fail('not_found');
  if (owned.length === 1 && !(await parts.users.passwordHash(user.id))) return fail('last_sign_in_method');
  if (!(await repository.remove(ctx.tenant, user.id, id))) return fail('not_found');
  await passkeysChanged(parts, user, who, 'passkey_removed', ctx);
  return { ok: true };
}

/** After a passkey was added or removed: what any factor change does (see `factorsChanged`). */
export function passkeysChanged(
  parts: PasskeyFlowParts,
  user: UserRow,
  who: SignedIn,
  change: 'passkey_added' | 'passkey_removed',
  ctx: RequestContext,
): Promise<void> {
  return factorsChanged(parts, user, who, change, ctx, 'webauthn');
}
