import type { UserRow } from '../../accounts/user-repository.js';
import type { GatehouseConfig } from '../../config/index.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { GatehouseDb } from '../../database/types.js';
import { FixedWindowLimiter, type LimitDecision } from '../../limits/fixed-window.js';
import { limitOf } from '../../limits/limit-of.js';
import { stateKeys } from '../../state/keys.js';
import type { StateStore } from '../../state/types.js';
import type { Clock } from '../../util/clock.js';
import type { RandomSource } from '../../util/random.js';
import { phoneAad } from './phone.js';
import { SmsCodeStore } from './sms-code-store.js';
import { SmsCredentials, type SmsCredential } from './sms-credentials.js';

export interface SmsFactorOptions {
  db: GatehouseDb;
  store: StateStore;
  /** HMAC key for codes at rest (derived from the master secret). */
  macKey: Buffer;
  /** Seals phone numbers (purpose 'sms-phone'). */
  phoneBox: SecretBox;
  config: GatehouseConfig;
  /** Stamps confirmations (default: the system clock). */
  clock?: Clock | undefined;
  /** Draws codes and their ids (default: the system's CSPRNG). */
  random?: RandomSource | undefined;
}

/**
 * The SMS second factor: enrolled numbers (sealed), codes (HMAC at rest) and the per-user
 * send limit. The engine sets one as `parts.smsCodes` only when an SMS transport exists, so
 * with `sms.transport: 'none'` every SMS flow answers 403 `sms_unavailable`.
 */
export class SmsFactor {
  readonly codes: SmsCodeStore;
  readonly credentials: SmsCredentials;
  readonly codeTtlSeconds: number;
  private readonly phoneBox: SecretBox;
  private readonly sends: FixedWindowLimiter;

  constructor(options: SmsFactorOptions) {
    const { config } = options;
    const { perUser, windowSeconds } = config.rateLimits.smsCodes;
    this.codeTtlSeconds = config.mfa.smsCodeTtlSeconds;
    this.codes = new SmsCodeStore(options.store, options.macKey, this.codeTtlSeconds, options.random);
    this.credentials = new SmsCredentials(options.db, options.clock);
    this.phoneBox = options.phoneBox;
    this.sends = new FixedWindowLimiter(options.store, limitOf(config.rateLimits, perUser), windowSeconds);
  }

  /** A sign-in code (login, step-up, disable, reset) sent to the user's confirmed number. */
  async check(user: UserRow, code: string): Promise<boolean> {
    const credential = await this.credentials.current(user.id);
    if (!credential?.confirmed) return false;
    return this.codes.use('login', user.tenantId, user.id, credential.id, code);
  }

  /** Counts one SMS about to be sent for the user (rateLimits.smsCodes: SMS cost abuse). */
  allowSend(tenant: string, userId: string): Promise<LimitDecision> {
    return this.sends.hit(stateKeys.user(tenant, userId, 'limit', 'sms-codes'));
  }

  sealPhone(userId: string, credentialId: string, e164: string): string {
    return this.phoneBox.seal(Buffer.from(e164, 'utf8'), phoneAad(userId, credentialId));
  }

  openPhone(userId: string, credential: SmsCredential): string {
    return this.phoneBox.open(credential.sealedPhone, phoneAad(userId, credential.id)).toString('utf8');
  }
}
