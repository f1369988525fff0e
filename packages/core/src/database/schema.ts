/**
 * The Database port's one schema (PostgreSQL and PGlite alike). Migrations in
 * `packages/core/drizzle/` are generated from this file with `npm run db:generate`.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/** Tenants are slugs. With tenancy off everything lives in the `default` tenant. */
export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    /** As the user typed it (trimmed), for display. */
    email: text('email').notNull(),
    /** Trimmed, NFC, lower-cased: the uniqueness key within a tenant. */
    emailNormalized: text('email_normalized').notNull(),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true, mode: 'date' }),
    name: text('name'),
    locale: text('locale'),
    /** 'active' | 'disabled' | 'locked' (by an admin) | 'deleted' (soft: the email stays taken) */
    status: text('status').notNull().default('active'),
    roles: text('roles')
      .array()
      .notNull()
      .default(sql`ARRAY['user']::text[]`),
    /** Versions copied into tokens; every change of roles, permissions or account state bumps one. */
    roleVersion: integer('role_version').notNull().default(1),
    permissionVersion: integer('permission_version').notNull().default(1),
    accountVersion: integer('account_version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('users_tenant_email_unique').on(t.tenantId, t.emailNormalized),
    index('users_tenant_created_idx').on(t.tenantId, t.createdAt),
  ],
);

/** Secrets a user signs in with: a password hash now; later TOTP, backup codes, SMS numbers. */
export const credentials = pgTable(
  'credentials',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** 'password' | 'totp' | 'backup_codes' | 'sms' */
    type: text('type').notNull(),
    /** A hash (Argon2id PHC string) or an AES-256-GCM sealed secret; never plain text. */
    secret: text('secret').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('credentials_user_idx').on(t.userId, t.type)],
);

/**
 * Passkeys (WebAuthn credentials). The public key and ids are public material; the sign
 * counter is kept to flag cloned authenticators. A credential id is globally unique.
 */
export const webauthnCredentials = pgTable(
  'webauthn_credentials',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id').notNull(),
    /** base64url of the authenticator's credential id. */
    credentialId: text('credential_id').notNull(),
    /** base64url of the COSE public key. */
    publicKey: text('public_key').notNull(),
    counter: bigint('counter', { mode: 'number' }).notNull().default(0),
    transports: text('transports')
      .array()
      .notNull()
      .default(sql`ARRAY[]::text[]`),
    /** 'singleDevice' | 'multiDevice' */
    deviceType: text('device_type').notNull(),
    backedUp: boolean('backed_up').notNull().default(false),
    aaguid: text('aaguid'),
    name: text('name').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('webauthn_credential_id_unique').on(t.credentialId),
    index('webauthn_user_idx').on(t.userId),
  ],
);

/**
 * Identities at OAuth / OpenID Connect providers linked to users. Keyed by (tenant,
 * provider, subject) — never by email, which providers let users change.
 */
export const oauthAccounts = pgTable(
  'oauth_accounts',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id').notNull(),
    /** The configured provider id (`google`, `github`, `microsoft`, or an OIDC provider's id). */
    provider: text('provider').notNull(),
    /** The provider's stable subject identifier (`sub`, GitHub's numeric id). */
    subject: text('subject').notNull(),
    /** The email the provider reported at link time (display only; never a lookup key). */
    email: text('email'),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('oauth_accounts_identity_unique').on(t.tenantId, t.provider, t.subject),
    index('oauth_accounts_user_idx').on(t.userId),
  ],
);

/**
 * JWT signing keys. Each key is pinned to one algorithm. The private key is sealed
 * with AES-256-GCM under the master secret. At most one `current` and one `next` key.
 */
export const signingKeys = pgTable(
  'signing_keys',
  {
    kid: text('kid').primaryKey(),
    alg: text('alg').notNull(),
    /** 'next' | 'current' | 'retired' */
    status: text('status').notNull(),
    publicJwk: jsonb('public_jwk').$type<Record<string, unknown> | null>(),
    privateKeySealed: text('private_key_sealed').notNull(),
    createdAt: createdAt(),
    activatedAt: timestamp('activated_at', { withTimezone: true, mode: 'date' }),
    retiredAt: timestamp('retired_at', { withTimezone: true, mode: 'date' }),
    /** A retired key is published and accepted until then. */
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('signing_keys_one_current')
      .on(t.status)
      .where(sql`status = 'current'`),
    uniqueIndex('signing_keys_one_next')
      .on(t.status)
      .where(sql`status = 'next'`),
  ],
);

/**
 * The SQL StateStore's tables (used when no Redis is configured). Expiry times are
 * epoch milliseconds from the injected clock; a sweeper deletes expired rows.
 */
export const stateEntries = pgTable(
  'state_entries',
  {
    key: text('key').primaryKey(),
    value: text('value').notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('state_entries_expires_idx').on(t.expiresAt)],
);

export const stateIndex = pgTable(
  'state_index',
  {
    indexKey: text('index_key').notNull(),
    member: text('member').notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.indexKey, t.member] }), index('state_index_expires_idx').on(t.expiresAt)],
);

/**
 * The durable job queue used when no Redis is configured (jobs/sql-queue.ts). A job is
 * claimed by leasing it (`locked_until`); a worker that dies loses its lease and the job
 * runs again. Finished jobs are deleted; jobs out of attempts stay with status 'failed'.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** 'waiting' | 'failed' */
    status: text('status').notNull().default('waiting'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAt: timestamp('run_at', { withTimezone: true, mode: 'date' }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    createdAt: createdAt(),
  },
  (t) => [index('jobs_due_idx').on(t.status, t.runAt)],
);

/**
 * Messages kept by the `outbox` mail/SMS transport (development), listed newest first by
 * the server's development outbox (API.md "Development outbox"). They hold one-time secrets in clear, which is the point in
 * development; production never has this transport unless chosen explicitly.
 */
export const outboxMessages = pgTable(
  'outbox_messages',
  {
    id: uuid('id').primaryKey(),
    recipient: text('recipient').notNull(),
    /** 'email' | 'sms' */
    channel: text('channel').notNull(),
    template: text('template').notNull(),
    subject: text('subject'),
    text: text('text').notNull(),
    html: text('html'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('outbox_recipient_idx').on(t.recipient, t.createdAt)],
);

export const schema = {
  tenants,
  users,
  credentials,
  signingKeys,
  stateEntries,
  stateIndex,
  jobs,
  outboxMessages,
  webauthnCredentials,
  oauthAccounts,
};
