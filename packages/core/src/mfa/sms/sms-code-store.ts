import { createHmac, timingSafeEqual } from 'node:crypto';
import { stateKeys } from '../../state/keys.js';
import type { StateStore } from '../../state/types.js';
import { systemRandom, type RandomSource } from '../../util/random.js';

/** What a code is for: confirming a new number, or signing in (login, step-up, disable, reset). */
export type SmsCodePurpose = 'setup' | 'login';

interface CodeRecord {
  id: string;
  credentialId: string;
  mac: string;
}

const DIGITS = 6;
const FORMAT = /^\d{6}$/;
/** Wrong guesses one code survives; the account's MFA failure budget applies on top. */
const MAX_ATTEMPTS = 5;
/** A used code leaves this marker briefly, so a replay reads "used", never a live record. */
const CONSUMED = 'consumed';
const CONSUMED_TTL_MS = 60_000;

/**
 * SMS codes on the StateStore, the way `OneTimeSecrets` keeps verification codes: 6 random
 * digits stored only as an HMAC under a key derived from the master secret (a plain hash of a
 * 6-digit code is reversed in microseconds), bound to purpose, tenant, user and the credential
 * (the number) it was sent to. One live code per user and purpose: a new one replaces the old.
 * A code expires after `mfa.smsCodeTtlSeconds`, dies after 5 wrong guesses, and is used up by
 * one compare-and-swap, so of concurrent uses exactly one wins.
 */
export class SmsCodeStore {
  constructor(
    private readonly store: StateStore,
    private readonly macKey: Buffer,
    private readonly ttlSeconds: number,
    private readonly random: RandomSource = systemRandom,
  ) {}

  /** A new code for the credential; it supersedes the user's previous code for this purpose. */
  async issue(
    purpose: SmsCodePurpose,
    tenant: string,
    userId: string,
    credentialId: string,
  ): Promise<string> {
    const code = String(this.random.below(10 ** DIGITS)).padStart(DIGITS, '0');
    const id = this.random.uuid();
    const record: CodeRecord = {
      id,
      credentialId,
      mac: this.mac(purpose, tenant, userId, credentialId, id, code),
    };
    await this.store.set(recordKey(purpose, tenant, userId), JSON.stringify(record), {
      ttlMs: this.ttlSeconds * 1000,
    });
    return code;
  }

  /** Checks and uses up a code sent to this credential: true once, for the live, matching code. */
  async use(
    purpose: SmsCodePurpose,
    tenant: string,
    userId: string,
    credentialId: string,
    code: string,
  ): Promise<boolean> {
    if (!FORMAT.test(code)) return false;
    const key = recordKey(purpose, tenant, userId);
    const raw = await this.store.get(key);
    const record = parseRecord(raw);
    if (!raw || !record || record.credentialId !== credentialId) return false;
    // Counted before comparing, so parallel guesses cannot outrun the limit.
    const triesKey = stateKeys.user(tenant, userId, 'sms', purpose, 'tries', record.id);
    const tries = await this.store.increment(triesKey, { ttlMs: this.ttlSeconds * 1000 });
    if (tries.value > MAX_ATTEMPTS) {
      await this.end(key, raw);
      return false;
    }
    const expected = Buffer.from(record.mac);
    const actual = Buffer.from(this.mac(purpose, tenant, userId, credentialId, record.id, code));
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return false;
    return this.end(key, raw);
  }

  private async end(key: string, raw: string): Promise<boolean> {
    const result = await this.store.compareAndSwap(key, raw, CONSUMED, { ttlMs: CONSUMED_TTL_MS });
    return result.swapped;
  }

  private mac(
    purpose: SmsCodePurpose,
    tenant: string,
    userId: string,
    credentialId: string,
    id: string,
    code: string,
  ): string {
    return createHmac('sha256', this.macKey)
      .update(`sms_${purpose}\n${tenant}\n${userId}\n${credentialId}\n${id}\n${code}`)
      .digest('base64url');
  }
}

const recordKey = (purpose: SmsCodePurpose, tenant: string, userId: string) =>
  stateKeys.user(tenant, userId, 'sms', purpose);

function parseRecord(raw: string | null): CodeRecord | null {
  if (!raw || raw === CONSUMED) return null;
  try {
    const value = JSON.parse(raw) as Partial<CodeRecord>;
    return typeof value.id === 'string' &&
      typeof value.credentialId === 'string' &&
      typeof value.mac === 'string'
      ? (value as CodeRecord)
      : null;
  } catch {
    return null;
  }
}
