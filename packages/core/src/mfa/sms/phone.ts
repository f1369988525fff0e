import { parsePhoneNumberWithError, type PhoneNumber } from 'libphonenumber-js';

/** Separators people type inside a number; anything else (letters, `ext.`) is refused. */
const SEPARATORS = /[\s().-]/g;
/** E.164: a `+`, a country code not starting with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The E.164 form of a phone number that can receive SMS codes, or null. The number must be
 * international (a leading `+`: there is no default country to guess from) and valid for its
 * numbering plan; an extension is refused (a text message cannot reach one).
 */
export function normalizePhone(input: string): string | null {
  const compact = input.replace(SEPARATORS, '');
  if (!E164.test(compact)) return null;
  const parsed = parse(compact);
  return parsed?.isValid() && !parsed.ext ? parsed.number : null;
}

/**
 * What API answers show: the country code and the last digits, e.g. `+1••••••0100`. A phone
 * number is personal data; the whole number is only ever in the sealed credential and the SMS.
 */
export function maskPhone(e164: string): string {
  const parsed = parse(e164);
  const countryCode = parsed?.countryCallingCode ?? '';
  const national = parsed?.nationalNumber ?? e164.replace(/^\+/, '');
  const shown = national.length >= 8 ? 4 : 2;
  return `+${countryCode}${'•'.repeat(Math.max(0, national.length - shown))}${national.slice(-shown)}`;
}

/** The associated data binding a sealed phone number to its user and credential row. */
export const phoneAad = (userId: string, credentialId: string) => `sms-phone:${userId}:${credentialId}`;

function parse(text: string): PhoneNumber | null {
  try {
    return parsePhoneNumberWithError(text);
  } catch {
    return null;
  }
}
