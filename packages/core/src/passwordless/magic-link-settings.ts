import type { SecretSettings } from '../one-time/one-time-secrets.js';
import type { MagicLinkParts } from './magic-link-parts.js';

/** Wrong guesses a link survives; its 256 random bits make guessing hopeless anyway. */
const MAX_ATTEMPTS = 5;

/** `accounts.magicLinks` as OneTimeSecrets settings: always a link token, single-use. */
export function magicLinkSettings(parts: MagicLinkParts): SecretSettings {
  const { ttlSeconds } = parts.config.accounts.magicLinks;
  return {
    strategy: 'token',
    codeDigits: 6,
    codeTtlSeconds: ttlSeconds,
    linkTtlSeconds: ttlSeconds,
    maxAttempts: MAX_ATTEMPTS,
  };
}
