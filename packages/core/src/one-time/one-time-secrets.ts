import { createHmac, timingSafeEqual } from 'node:crypto';
import { stateKeys } from '../state/keys.js';
import type { StateStore } from '../state/types.js';
import { systemRandom, type RandomSource } from '../util/random.js';

/** What a one-time secret proves; part of its MAC, so a secret for one purpose fails for another. */
export type SecretPurpose = 'verify_email' | 'password_reset' | 'magic_link' | 'email_change';

export type SecretStrategy = 'token' | 'otp' | 'uuid';

/** The `accounts.verification` / `accounts.passwordReset` config sections. */
export interface SecretSettings {
  strategy: SecretStrategy;
  codeDigits: number;
  codeTtlSeconds: number;
  linkTtlSeconds: number;
  maxAttempts: number;
}

/** What the user receives (by mail): a link token, or a code (with the challenge id for `uuid`). */
export interface IssuedSecret {
  strategy: SecretStrategy;
  challengeId: string;
  token?: string;
  code?: string;
  ttlSeconds: number;
}

/** How a submission names its challenge: the token itself, the user (otp: found by email), or the id. */
export type SecretSubmission =
  { token: string } | { userId: string; code: string } | { challengeId: string; code: string };

/** A submission that checked out, not yet consumed. */
export interface CheckedSecret {
  tenant: string;
  userId: string;
  key: string;
  raw: string;
  challengeId: string;
}

interface SecretRecord {
  id: string;
  strategy: SecretStrategy;
  mac: string;
}

const TOKEN_PREFIX = 'ot1';
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN_SECRET = /^[A-Za-z0-9_-]{43}$/;
/** What a consumed record becomes: it keeps the key (so a replay finds nothing) briefly. */
const CONSUMED = 'consumed';
const CONSUMED_TTL_MS = 60_000;

/**
 * One-time secrets for email verification and password reset (and later magic links):
 * random, stored only as an HMAC under a key derived from the master secret (a leaked
 * state store reveals neither tokens nor codes — a plain hash of a 6-digit code would be
 * reversed in microseconds), single-use by one atomic compare-and-swap, bounded by a TTL
 * and an attempt limit per challenge. One live challenge per user and purpose: issuing a
 * new one replaces the old, so an older link or code stops working at once.
 */
export class OneTimeSecrets {
  constructor(
    private readonly store: StateStore,
    private readonly macKey: Buffer,
    private readonly random: RandomSource = systemRandom,
  ) {}

  async issue(
    purpose: SecretPurpose,
    tenant: string,
    userId: string,
    settings: SecretSettings,
  ): Promise<IssuedSecret> {
    const id = this.random.uuid();
    const { strategy } = settings;
    const ttlSeconds = strategy === 'token' ? settings.linkTtlSeconds : settings.codeTtlSeconds;
    const secret = strategy === 'token' ? this.random.token(32) : code(settings, this.random);
    const record: SecretRecord = { id, strategy, mac: this.mac(purpose, tenant, userId, id, secret) };
    const ttlMs = ttlSeconds * 1000;
    await this.store.set(recordKey(purpose, tenant, userId), JSON.stringify(record), { ttlMs });
    if (strategy === 'uuid') {
      await this.store.set(pointerKey(purpose, id), `${tenant}/${userId}`, { ttlMs });
    }
    return strategy === 'token'
      ? { strategy, challengeId: id, token: `${TOKEN_PREFIX}.${tenant}.${userId}.${secret}`, ttlSeconds }
      : { strategy, challengeId: id, code: secret, ttlSeconds };
  }

  /**
   * Finds the challenge, counts the attempt (before comparing, so parallel guesses cannot
   * outrun the limit), and compares in constant time. Null for anything that does not check
   * out: unknown, expired, superseded, consumed, exhausted, another tenant's, or wrong.
   * An exhausted challenge is ended, so even the right secret fails afterwards.
   */
  async check(
    purpose: SecretPurpose,
    tenant: string,
    submission: SecretSubmission,
    settings: SecretSettings,
  ): Promise<CheckedSecret | null> {
    const located = await this.locate(purpose, tenant, submission);
    if (!located) return null;
    const { userId, secret, strategy } = located;
    const key = recordKey(purpose, tenant, userId);
    const raw = await this.store.get(key);
    const record = parseRecord(raw);
    if (!raw || !record || record.strategy !== strategy) return null;
    if ('challengeId' in submission && submission.challengeId !== record.id) return null;

    const ttlMs = Math.max(settings.linkTtlSeconds, settings.codeTtlSeconds) * 1000;
    const tries = await this.store.increment(stateKeys.global('ots', purpose, record.id, 'tries'), { ttlMs });
    if (tries.value > settings.maxAttempts) {
      await this.end(key, raw);
      return null;
    }
    const expected = Buffer.from(record.mac);
    const actual = Buffer.from(this.mac(purpose, tenant, userId, record.id, secret));
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
    return { tenant, userId, key, raw, challengeId: record.id };
  }

  /** Uses the checked secret up; of concurrent callers exactly one gets true. */
  async consume(checked: CheckedSecret): Promise<boolean> {
    return this.end(checked.key, checked.raw);
  }

  /** Ends a user's live challenge (e.g. when the account goes away). */
  async revoke(purpose: SecretPurpose, tenant: string, userId: string): Promise<void> {
    await this.store.delete(recordKey(purpose, tenant, userId));
  }

  private async end(key: string, raw: string): Promise<boolean> {
    const result = await this.store.compareAndSwap(key, raw, CONSUMED, { ttlMs: CONSUMED_TTL_MS });
    return result.swapped;
  }

  private async locate(
    purpose: SecretPurpose,
    tenant: string,
    submission: SecretSubmission,
  ): Promise<{ userId: string; secret: string; strategy: SecretStrategy } | null> {
    if ('token' in submission) {
      const parts = submission.token.split('.');
      const [prefix, tokenTenant = '', userId = '', secret = ''] = parts;
      const wellFormed =
        parts.length === 4 &&
        prefix === TOKEN_PREFIX &&
        SLUG.test(tokenTenant) &&
        UUID.test(userId) &&
        TOKEN_SECRET.test(secret);
      // A token of another tenant never works here.
      if (!wellFormed || tokenTenant !== tenant) return null;
      return { userId, secret, strategy: 'token' };
    }
    if (!/^\d{6,10}$/.test(submission.code)) return null;
    if ('userId' in submission) {
      return UUID.test(submission.userId)
        ? { userId: submission.userId, secret: submission.code, strategy: 'otp' }
        : null;
    }
    if (!UUID.test(submission.challengeId)) return null;
    const pointer = await this.store.get(pointerKey(purpose, submission.challengeId));
    const [pointerTenant, userId] = pointer?.split('/') ?? [];
    if (pointerTenant !== tenant || !userId) return null;
    return { userId, secret: submission.code, strategy: 'uuid' };
  }

  private mac(purpose: SecretPurpose, tenant: string, userId: string, id: string, secret: string): string {
    return createHmac('sha256', this.macKey)
      .update(`${purpose}\n${tenant}\n${userId}\n${id}\n${secret}`)
      .digest('base64url');
  }
}

/** The tenant a link token names (links carry their tenant themselves); null when malformed. */
export function tenantOfToken(token: string): string | null {
  const [prefix, tenant = ''] = token.split('.', 3);
  return prefix === TOKEN_PREFIX && SLUG.test(tenant) ? tenant : null;
}

/** A uniformly random code of `codeDigits` digits (leading zeros kept). */
function code(settings: SecretSettings, random: RandomSource): string {
  return String(random.below(10 ** settings.codeDigits)).padStart(settings.codeDigits, '0');
}

const recordKey = (purpose: SecretPurpose, tenant: string, userId: string) =>
  stateKeys.user(tenant, userId, 'ots', purpose);
const pointerKey = (purpose: SecretPurpose, id: string) => stateKeys.global('ots', purpose, id);

function parseRecord(raw: string | null): SecretRecord | null {
  if (!raw || raw === CONSUMED) return null;
  try {
    const value = JSON.parse(raw) as Partial<SecretRecord>;
    return typeof value.id === 'string' && typeof value.mac === 'string' && typeof value.strategy === 'string'
      ? (value as SecretRecord)
      : null;
  } catch {
    return null;
  }
}
