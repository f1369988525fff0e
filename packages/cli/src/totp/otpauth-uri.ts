import { CliFailure } from '../secure-files/errors.js';
import { base32Decode, base32Encode } from './base32.js';
import {
  DEFAULTS,
  checkSecret,
  defaultName,
  parseAlgorithm,
  parseCounter,
  parseDigits,
  parsePeriod,
  type OtpEntry,
} from './entry.js';

/**
 * otpauth:// URIs, the Key URI Format of Google Authenticator (what setup QR codes hold):
 * otpauth://TYPE/[ISSUER:]ACCOUNT?secret=BASE32[&issuer=…][&algorithm=…][&digits=…]
 * [&period=…][&counter=…]. Unknown parameters (image, color…) are ignored. Errors never
 * quote the URI: it contains the secret.
 */
export interface ParsedOtpUri {
  entry: Omit<OtpEntry, 'name'>;
  /** "Issuer:account", for entries that get no explicit name (import). */
  suggestedName: string;
}

const URI_SHAPE = /^otpauth:\/\/([^/?#]*)\/([^?#]*)(?:\?([^#]*))?(?:#.*)?$/i;

export function parseOtpauthUri(uri: string): ParsedOtpUri {
  try {
    return parse(uri.trim());
  } catch (error) {
    if (error instanceof CliFailure) throw new CliFailure(`invalid otpauth URI: ${error.message}`);
    throw error;
  }
}

function parse(uri: string): ParsedOtpUri {
  const match = URI_SHAPE.exec(uri);
  if (!match) throw new CliFailure('expected otpauth://totp/<label>?secret=<base32>&… (or otpauth://hotp/…)');
  const kind = (match[1] ?? '').toLowerCase();
  if (kind !== 'totp' && kind !== 'hotp') throw new CliFailure(`unknown type "${match[1]}" (totp or hotp)`);
  const label = splitLabel(decode(match[2] ?? ''));
  const params = parseQuery(match[3] ?? '');
  const secretText = params.get('secret');
  if (!secretText) throw new CliFailure('no secret parameter');
  if (kind === 'hotp' && !params.has('counter'))
    throw new CliFailure('an hotp URI needs a counter parameter');
  const issuer = params.get('issuer') || label.issuer;
  if (!issuer && !label.account) throw new CliFailure('no label (otpauth://totp/Issuer:account?…)');
  const entry = {
    kind,
    issuer,
    account: label.account,
    algorithm: parseAlgorithm(params.get('algorithm') ?? DEFAULTS.algorithm),
    digits: parseDigits(params.get('digits') ?? String(DEFAULTS.digits)),
    period: parsePeriod(params.get('period') ?? String(DEFAULTS.period)),
    counter: parseCounter(params.get('counter') ?? String(DEFAULTS.counter)),
    secret: checkSecret(base32Decode(secretText)), // last: nothing can throw after it and leak it
  } as const;
  return { entry, suggestedName: defaultName(issuer, label.account) };
}

/** "Issuer:account" or "account" (spaces after the colon are allowed by the format). */
export function splitLabel(label: string): { issuer?: string | undefined; account?: string | undefined } {
  const colon = label.indexOf(':');
  if (colon === -1) return { account: label.trim() || undefined };
  return {
    issuer: label.slice(0, colon).trim() || undefined,
    account: label.slice(colon + 1).trim() || undefined,
  };
}

/** Parameter names are matched case-insensitively; the first of a repeated one wins. */
function parseQuery(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const equals = pair.indexOf('=');
    const key = decode(equals === -1 ? pair : pair.slice(0, equals)).toLowerCase();
    if (!params.has(key)) params.set(key, decode(equals === -1 ? '' : pair.slice(equals + 1)));
  }
  return params;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new CliFailure('malformed percent-encoding');
  }
}

/** The URI of an entry, in the form authenticator apps import. */
export function otpauthUri(entry: OtpEntry): string {
  const { issuer, account } = entry;
  const label =
    issuer && account ? `${encode(issuer)}:${encode(account)}` : encode(account || issuer || entry.name);
  const params = [`secret=${base32Encode(entry.secret)}`];
  if (issuer) params.push(`issuer=${encode(issuer)}`);
  params.push(`algorithm=${entry.algorithm}`, `digits=${entry.digits}`);
  params.push(entry.kind === 'totp' ? `period=${entry.period}` : `counter=${entry.counter}`);
  return `otpauth://${entry.kind}/${label}?${params.join('&')}`;
}

function encode(text: string): string {
  return encodeURIComponent(text);
}
