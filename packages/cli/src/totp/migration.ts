import { CliFailure } from '../secure-files/errors.js';
import { DEFAULTS, checkSecret, defaultName, type OtpAlgorithm, type OtpDigits } from './entry.js';
import { splitLabel, type ParsedOtpUri } from './otpauth-uri.js';

/**
 * Google Authenticator's export, otpauth-migration://offline?data=<base64>: a protobuf
 * MigrationPayload. Only a few fields matter, so it is decoded by hand:
 *
 *   MigrationPayload { repeated OtpParameters otp_parameters = 1; (version, batch… ignored) }
 *   OtpParameters { bytes secret = 1; string name = 2; string issuer = 3;
 *                   Algorithm algorithm = 4;  // 0 unspecified, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5
 *                   DigitCount digits = 5;    // 0 unspecified, 1 six, 2 eight
 *                   OtpType type = 6;         // 0 unspecified, 1 HOTP, 2 TOTP
 *                   int64 counter = 7; }
 *
 * Unspecified values take the otpauth defaults (SHA1, 6 digits, TOTP); MD5 is refused.
 * Large exports come as several URIs (batches), one per QR code: each is decoded alone.
 */
export function parseMigrationUri(uri: string): ParsedOtpUri[] {
  const payload = payloadBytes(uri.trim());
  try {
    const entries: ParsedOtpUri[] = [];
    for (const field of fields(payload)) {
      if (field.number !== 1) continue;
      if (!field.bytes) throw malformed('otp_parameters is not a message');
      entries.push(otpParameters(field.bytes, entries.length + 1));
    }
    if (entries.length === 0) throw new CliFailure('invalid otpauth-migration URI: it holds no accounts');
    return entries;
  } finally {
    payload.fill(0);
  }
}

function payloadBytes(uri: string): Buffer {
  const match = /^otpauth-migration:\/\/offline\?(.*)$/is.exec(uri);
  const data = match?.[1]
    ?.split('&')
    .find((pair) => pair.startsWith('data='))
    ?.slice('data='.length);
  if (!data)
    throw new CliFailure('invalid otpauth-migration URI: expected otpauth-migration://offline?data=…');
  let base64: string;
  try {
    base64 = decodeURIComponent(data).replace(/ /g, '+'); // a '+' someone form-decoded into a space
  } catch {
    throw malformed('malformed percent-encoding');
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(base64)) throw malformed('data is not base64');
  return Buffer.from(base64, 'base64');
}

interface RawParameters {
  name: string;
  issuer: string;
  algorithm: number;
  digits: number;
  type: number;
  counter: number;
}

const VARINT_FIELDS: Record<number, 'algorithm' | 'digits' | 'type' | 'counter'> = {
  4: 'algorithm',
  5: 'digits',
  6: 'type',
  7: 'counter',
};

function otpParameters(message: Buffer, position: number): ParsedOtpUri {
  let secret: Buffer | undefined;
  const raw: RawParameters = { name: '', issuer: '', algorithm: 0, digits: 0, type: 0, counter: 0 };
  try {
    for (const field of fields(message)) {
      const varintField = VARINT_FIELDS[field.number];
      if (field.number === 1 && field.bytes) secret = Buffer.from(field.bytes);
      else if (field.number === 2 && field.bytes) raw.name = field.bytes.toString('utf8');
      else if (field.number === 3 && field.bytes) raw.issuer = field.bytes.toString('utf8');
      else if (varintField && field.varint !== undefined) raw[varintField] = field.varint;
      else if (field.number <= 7)
        throw malformed(`field ${field.number} of account ${position} has the wrong type`);
    }
    return toEntry(raw, secret, position);
  } catch (error) {
    secret?.fill(0);
    throw error;
  }
}

const KINDS: Record<number, 'totp' | 'hotp'> = { 0: 'totp', 1: 'hotp', 2: 'totp' };

function toEntry(raw: RawParameters, secret: Buffer | undefined, position: number): ParsedOtpUri {
  const label = splitLabel(raw.name);
  const issuer = raw.issuer || label.issuer;
  const account = label.account;
  const what = `account ${position} (${defaultName(issuer, account)})`;
  const kind = KINDS[raw.type];
  if (!kind) throw malformed(`${what} has an unknown type ${raw.type}`);
  if (!secret) throw malformed(`${what} has no secret`);
  if (!Number.isSafeInteger(raw.counter)) throw malformed(`${what} has a counter beyond 2^53`);
  const entry = {
    kind,
    issuer,
    account,
    algorithm: algorithm(raw.algorithm, what),
    digits: digits(raw.digits, what),
    period: DEFAULTS.period,
    counter: raw.counter,
    secret: checkSecret(secret),
  };
  return { entry, suggestedName: defaultName(issuer, account) };
}

function algorithm(value: number, what: string): OtpAlgorithm {
  const known: Record<number, OtpAlgorithm> = { 0: 'SHA1', 1: 'SHA1', 2: 'SHA256', 3: 'SHA512' };
  if (value === 4) throw new CliFailure(`${what} uses MD5, which Gatehouse refuses (it is broken)`);
  const result = known[value];
  if (!result) throw malformed(`${what} has an unknown algorithm ${value}`);
  return result;
}

function digits(value: number, what: string): OtpDigits {
  if (value === 0 || value === 1) return 6;
  if (value === 2) return 8;
  throw malformed(`${what} has an unknown digit count ${value}`);
}

interface Field {
  number: number;
  varint?: number;
  bytes?: Buffer;
}

/**
 * The fields of one protobuf message, in order. Varints and length-delimited fields are
 * returned; fixed 32/64-bit fields are skipped; groups and truncation are errors.
 */
function* fields(message: Buffer): Generator<Field> {
  let position = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      const byte = message[position++];
      if (byte === undefined) throw malformed('truncated');
      value += (byte & 0x7f) * 2 ** shift; // arithmetic, not bit operators: stays exact to 2^53
      if (byte < 0x80) return value;
    }
    throw malformed('varint longer than 10 bytes');
  };
  while (position < message.length) {
    const tag = varint();
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType === 0) yield { number, varint: varint() };
    else if (wireType === 2) {
      const length = varint();
      if (position + length > message.length) throw malformed('truncated');
      yield { number, bytes: message.subarray(position, (position += length)) };
    } else if (wireType === 1 || wireType === 5) {
      position += wireType === 1 ? 8 : 4;
      if (position > message.length) throw malformed('truncated');
    } else throw malformed(`unsupported wire type ${wireType}`);
  }
}

function malformed(reason: string): CliFailure {
  return new CliFailure(`invalid otpauth-migration URI: ${reason}`);
}
