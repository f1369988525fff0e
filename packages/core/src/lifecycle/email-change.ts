import { staleSignIn } from '../access/index.js';
import { and, eq, sql } from 'drizzle-orm';
import { emailDomain, normalizeEmail } from '../kernel/email.js';
import { toPublicUser } from '../accounts/public-user.js';
import { type PublicUser } from '../kernel/public-user.js';
import { activeUser } from '../accounts/active-user.js';
import type { UserRow } from '../accounts/user-repository.js';
import type { RequestContext } from '../kernel/request-context.js';
import { users } from '../database/schema.js';
import type { GatehouseDb } from '../database/types.js';
import type { SecretPurpose, SecretSettings } from '../one-time/one-time-secrets.js';
import type { AccountParts } from './account-parts.js';
import { fail, origin, type Outcome } from '../kernel/outcome.js';
import { stateKeys } from '../state/keys.js';
import { payloadOptional, payloadText, type JobHandlers } from '../jobs/handlers.js';
import type { SignedIn } from '../kernel/signed-in.js';

/** { tenant, userId, newEmail } — a code to the new address, or "account exists" to its owner. */
export const EMAIL_CHANGE_JOB = 'account.email_change';
/** { tenant, userId, oldEmail, newEmail, ip, time } — the old address is told. */
export const EMAIL_CHANGED_JOB = 'account.email_changed';

/** Confirming writes the users table directly (the repository has no email update yet). */
export type EmailChangeParts = AccountParts & { db: GatehouseDb };

/** What the code was issued for; kept in the StateStore next to the secret, never in users. */
interface PendingChange {
  challengeId: string;
  newEmail: string;
}

/** The old address's notice (job `account.email_changed`). */
export interface EmailChangedNotice {
  oldEmail: string;
  newEmail: string;
  time: string;
  ip?: string | undefined;
}

/** Mailed secrets the old address still holds; they must not outlive its control of the account. */
const OLD_ADDRESS_SECRETS: readonly SecretPurpose[] = ['password_reset', 'magic_link', 'verify_email'];
const UNIQUE_VIOLATION = '23505';

/**
 * POST /users/email/change (bearer + step-up): always 202 for a usable address, whether or
 * not another account of the tenant holds it, and the same work (two counter hits, one
 * enqueue) either way; the worker decides between a code and an "account exists" notice.
 */
export async function requestEmailChange(
  parts: AccountParts,
  who: SignedIn,
  newEmail: string,
  ctx: RequestContext,
): Promise<Outcome<object>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  if (normalizeEmail(newEmail) === user.emailNormalized) {
    return fail('validation_error', { reason: 'same_email' });
  }
  // A sign-up limited to some domains must not be escaped by moving the account out.
  const { signupAllowedDomains } = parts.config.accounts;
  if (signupAllowedDomains.length > 0 && !signupAllowedDomains.includes(emailDomain(newEmail))) {
    return fail('forbidden');
  }
  // Budgeted like verification mail: it is one, to an address not yet proven.
  const limit = await parts.limits.request('verification', ctx.tenant, newEmail, ctx.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  await parts.jobs.enqueue(EMAIL_CHANGE_JOB, { tenant: ctx.tenant, userId: user.id, newEmail });
  parts.audit.emit({ type: 'email.change_requested', tenant: ctx.tenant, userId: user.id, ...origin(ctx) });
  return { ok: true };
}

/**
 * The email-change job. Any earlier request dies first (a new request supersedes the old).
 * A free address gets a code; an address another account holds gets that account's
 * "account exists" notice instead, so the requester learns nothing from the answer.
 */
export async function sendEmailChangeCode(
  parts: AccountParts,
  tenant: string,
  userId: string,
  newEmail: string,
): Promise<void> {
  const user = await activeUser(parts.users, tenant, userId);
  if (!user) return;
  await parts.secrets.revoke('email_change', tenant, user.id);
  const owner = await parts.users.findByEmail(tenant, newEmail);
  if (owner) {
    if (owner.id !== user.id && owner.status !== 'deleted') await sendAccountExists(parts, owner);
    return;
  }
  const settings = emailChangeSettings(parts);
  const issued = await parts.secrets.issue('email_change', tenant, user.id, settings);
  const pending: PendingChange = { challengeId: issued.challengeId, newEmail: newEmail.trim() };
  await parts.mfa.store.set(pendingKey(tenant, user.id), JSON.stringify(pending), {
    ttlMs: issued.ttlSeconds * 1000,
  });
  await parts.deliver.email(pending.newEmail, 'email_change', {
    email: user.email,
    newEmail: pending.newEmail,
    code: issued.code ?? '',
    expiresInMinutes: Math.round(issued.ttlSeconds / 60),
  });
  parts.audit.emit({ type: 'email.change_code_sent', tenant, userId: user.id });
}

/**
 * POST /users/email/confirm (bearer + step-up), as ordered checks: rate limit → the code
 * (counts an attempt; maxAttempts ends the challenge) → the pending address it was issued
 * for → consume (one of concurrent confirms wins) → the new address, verified, account
 * version bumped, uniqueness left to the database's index (a registration that raced us
 * gets 409 email_taken here) → what the old address could still do ends → every other
 * session ends → the old address is told.
 */
export async function confirmEmailChange(
  parts: EmailChangeParts,
  who: SignedIn,
  code: string,
  ctx: RequestContext,
): Promise<Outcome<{ user: PublicUser }>> {
  const stale = staleSignIn(parts, who);
  if (stale) return stale;
  const limit = await parts.limits.codeSubmission(ctx.ip);
  if (!limit.allowed) return fail('rate_limited', { retryAfterSeconds: limit.retryAfterSeconds });
  const user = await activeUser(parts.users, ctx.tenant, who.userId);
  if (!user) return fail('unauthorized');
  const settings = emailChangeSettings(parts);
  const checked = await parts.secrets.check('email_change', ctx.tenant, { userId: user.id, code }, settings);
  const pending = checked ? await readPending(parts, ctx.tenant, user.id) : null;
  if (!checked || pending?.challengeId !== checked.challengeId || !(await parts.secrets.consume(checked))) {
    parts.audit.emit({ type: 'email.change_failed', tenant: ctx.tenant, userId: user.id, ...origin(ctx) });
    return fail('invalid_or_expired_token');
  }
  await parts.mfa.store.delete(pendingKey(ctx.tenant, user.id));
  const changed = await writeNewEmail(parts.db, new Date(parts.clock.now()), user, pending.newEmail);
  if (changed === 'taken') {
    parts.audit.emit({
      type: 'email.change_failed',
      tenant: ctx.tenant,
      userId: user.id,
      reason: 'email_taken',
      ...origin(ctx),
    });
    return fail('email_taken');
  }
  if (!changed) return fail('unauthorized');
  await afterChange(parts, user, changed, who, ctx);
  const mfaEnabled = (await parts.mfa.factors.enrolledMethods(user.id)).length > 0;
  return { ok: true, user: toPublicUser(changed, mfaEnabled) };
}

/** The job that tells the old address (it no longer signs in, resets or receives links). */
export async function sendEmailChangedNotice(parts: AccountParts, notice: EmailChangedNotice): Promise<void> {
  await parts.deliver.email(notice.oldEmail, 'email_change', {
    notice: 'changed',
    email: notice.oldEmail,
    newEmail: notice.newEmail,
    time: notice.time,
    ...(notice.ip !== undefined ? { ip: notice.ip } : {}),
  });
}

async function afterChange(
  parts: AccountParts,
  before: UserRow,
  after: UserRow,
  who: SignedIn,
  ctx: RequestContext,
): Promise<void> {
  for (const purpose of OLD_ADDRESS_SECRETS) await parts.secrets.revoke(purpose, ctx.tenant, before.id);
  await parts.sessions.revokeUserSessions(ctx.tenant, before.id, {
    except: who.sessionId,
    reason: 'email_changed',
    ctx,
  });
  await parts.jobs.enqueue(EMAIL_CHANGED_JOB, {
    tenant: ctx.tenant,
    userId: before.id,
    oldEmail: before.email,
    newEmail: after.email,
    ip: ctx.ip,
    time: new Date(parts.clock.now()).toISOString(),
  });
  parts.audit.emit({ type: 'email.changed', tenant: ctx.tenant, userId: before.id, ...origin(ctx) });
}

async function sendAccountExists(parts: AccountParts, owner: UserRow): Promise<void> {
  const { appUrl } = parts.config.mail;
  await parts.deliver.email(owner.email, 'account_exists', {
    email: owner.email,
    loginUrl: `${appUrl}/login`,
    resetUrl: `${appUrl}/forgot-password`,
  });
}

/**
 * The new address, verified (the code proved the mailbox), and the account version, in one
 * statement; 'taken' when the tenant's unique index refuses it.
 */
async function writeNewEmail(
  db: GatehouseDb,
  now: Date,
  user: UserRow,
  email: string,
): Promise<UserRow | 'taken' | undefined> {
  try {
    const [row] = await db
      .update(users)
      .set({
        email,
        emailNormalized: normalizeEmail(email),
        emailVerifiedAt: now,
        accountVersion: sql`${users.accountVersion} + 1`,
        updatedAt: now,
      })
      .where(and(eq(users.tenantId, user.tenantId), eq(users.id, user.id), eq(users.status, 'active')))
      .returning();
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) return 'taken';
    throw error;
  }
}

function emailChangeSettings(parts: AccountParts): SecretSettings {
  const { codeDigits, codeTtlSeconds, maxAttempts } = parts.config.accounts.emailChange;
  return { strategy: 'otp', codeDigits, codeTtlSeconds, linkTtlSeconds: codeTtlSeconds, maxAttempts };
}

// parts.mfa.store is the engine's StateStore (the one OneTimeSecrets writes to).
const pendingKey = (tenant: string, userId: string) => stateKeys.user(tenant, userId, 'email-change');

async function readPending(
  parts: AccountParts,
  tenant: string,
  userId: string,
): Promise<PendingChange | null> {
  const raw = await parts.mfa.store.get(pendingKey(tenant, userId));
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<PendingChange>;
    return typeof value.challengeId === 'string' && typeof value.newEmail === 'string'
      ? { challengeId: value.challengeId, newEmail: value.newEmail }
      : null;
  } catch {
    return null;
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ((current as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}

export const emailChangeJobs: JobHandlers<AccountParts> = {
  [EMAIL_CHANGE_JOB]: (parts, { payload }) =>
    sendEmailChangeCode(
      parts,
      payloadText(payload, 'tenant'),
      payloadText(payload, 'userId'),
      payloadText(payload, 'newEmail'),
    ),
  [EMAIL_CHANGED_JOB]: (parts, { payload }) =>
    sendEmailChangedNotice(parts, {
      oldEmail: payloadText(payload, 'oldEmail'),
      newEmail: payloadText(payload, 'newEmail'),
      time: payloadText(payload, 'time'),
      ip: payloadOptional(payload, 'ip'),
    }),
};
