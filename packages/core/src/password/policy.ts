/**
 * The password policy of API.md "Passwords": 8 to 256 code points after NFKC
 * (config minLength/maxLength), not equal to or containing the email's local
 * part when that has 4+ characters, not common (offline list), optionally not
 * breached (HIBP range API). No composition rules (NIST 800-63B).
 * Checks run in that order and the first failure is the reason, so the
 * cheap, local checks run before the network one.
 */
import type { GatehouseConfig } from '../config/schema.js';
import { createBreachChecker, type BreachChecker } from './breach-check.js';
import { isCommonPassword } from './common-passwords.js';
import { countCodePoints, normalizePassword } from './normalize.js';

export type PasswordPolicyReason = 'too_short' | 'too_long' | 'common' | 'breached' | 'contains_identifier';

export type PasswordPolicyResult =
  | {
      ok: true;
      /** The NFKC form: what to hash. */
      normalized: string;
      /**
       * 'unknown' when the breach API could not answer and the password was
       * accepted anyway: audit it. 'skipped' when the check is disabled.
       */
      breachCheck: 'passed' | 'unknown' | 'skipped';
    }
  | { ok: false; reason: PasswordPolicyReason };

export interface PasswordPolicyOptions {
  /** The account's email; its local part must not appear in the password. */
  email?: string | undefined;
  config: Pick<GatehouseConfig['passwords'], 'minLength' | 'maxLength' | 'rejectCommon' | 'breachCheck'>;
  /** Used when `config.breachCheck.enabled`; default: one built from the config. */
  breachChecker?: BreachChecker | undefined;
}

/** Local parts shorter than this are too likely to occur by chance to be refused. */
const MIN_IDENTIFIER_LENGTH = 4;

export async function checkPasswordPolicy(
  password: string,
  options: PasswordPolicyOptions,
): Promise<PasswordPolicyResult> {
  const { config } = options;
  const normalized = normalizePassword(password);
  const length = countCodePoints(normalized);
  if (length < config.minLength) return { ok: false, reason: 'too_short' };
  if (length > config.maxLength) return { ok: false, reason: 'too_long' };

  const lowered = normalized.toLowerCase();
  const identifier = emailIdentifier(options.email);
  if (identifier !== undefined && lowered.includes(identifier)) {
    return { ok: false, reason: 'contains_identifier' };
  }

  if (config.rejectCommon && isCommonPassword(normalized)) return { ok: false, reason: 'common' };

  if (!config.breachCheck.enabled) return { ok: true, normalized, breachCheck: 'skipped' };
  const checker = options.breachChecker ?? createBreachChecker(config.breachCheck);
  let breached: boolean | 'unknown';
  try {
    breached = await checker.isBreached(normalized);
  } catch {
    breached = 'unknown'; // a custom checker that throws is treated like an unreachable API
  }
  if (breached === true) return { ok: false, reason: 'breached' };
  return { ok: true, normalized, breachCheck: breached === false ? 'passed' : 'unknown' };
}

/** The email's local part (NFKC, lower case) when it is long enough to check. */
function emailIdentifier(email: string | undefined): string | undefined {
  if (typeof email !== 'string') return undefined;
  const at = email.lastIndexOf('@');
  const local = normalizePassword(at === -1 ? email : email.slice(0, at)).toLowerCase();
  return countCodePoints(local) >= MIN_IDENTIFIER_LENGTH ? local : undefined;
}
