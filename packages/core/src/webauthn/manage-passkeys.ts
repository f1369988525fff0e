import { factorsChanged } from '../mfa/manage-factors.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../context/request-context.js';
import type { SignedIn } from '../lifecycle/change-password.js';
import type { AuthEngineParts } from '../signin/engine-parts.js';
import { fail, type Outcome } from '../signin/types.js';
import type { PasskeyRow } from './passkey-repository.js';
import { passkeysOf } from './passkey-parts.js';

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
  parts: AuthEngineParts,
  who: SignedIn,
  ctx: RequestContext,
): Promise<PasskeyView[]> {
  const rows = await passkeysOf(parts).repository.listForUser(ctx.tenant, who.userId);
  return rows.map(toPasskeyView);
}

/**
 * DELETE /auth/webauthn/credentials/:id (step-up checked by the caller): only the caller's
 * own passkey (another user's or tenant's is 404), never the account's last way in.
 */
export async function removePasskey(
  parts: AuthEngineParts,
  who: SignedIn,
  id: string,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const user = await parts.users.findById(ctx.tenant, who.userId);
  if (!user || user.status !== 'active') return fail('unauthorized');
  const { repository } = passkeysOf(parts);
  const owned = await repository.listForUser(ctx.tenant, user.id);
  if (!owned.some((passkey) => passkey.id === id)) return fail('not_found');
  if (owned.length === 1 && !(await parts.users.passwordHash(user.id))) return fail('last_sign_in_method');
  if (!(await repository.remove(ctx.tenant, user.id, id))) return fail('not_found');
  await passkeysChanged(parts, user, who, 'passkey_removed', ctx);
  return { ok: true };
}

/** After a passkey was added or removed: what any factor change does (see `factorsChanged`). */
export function passkeysChanged(
  parts: AuthEngineParts,
  user: UserRow,
  who: SignedIn,
  change: 'passkey_added' | 'passkey_removed',
  ctx: RequestContext,
): Promise<void> {
  return factorsChanged(parts, user, who, change, ctx, 'webauthn');
}
