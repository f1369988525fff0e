/**
 * Value checks the config schema uses where zod has no built-in. Each is a
 * plain predicate so the schema reads as `checked(isOrigin, 'an origin ...')`.
 */
import { Buffer } from 'node:buffer';
import { BlockList, isIP } from 'node:net';

/**
 * The master secret: base64 (standard or URL-safe alphabet) of at least 32
 * bytes. Buffer.from ignores garbage, so the decoded bytes must re-encode to
 * the same text (the same rule crypto/master-secret.ts applies when decoding).
 */
export function isBase64Secret(value: string): boolean {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return false;
  const bytes = Buffer.from(value, 'base64');
  const canonical = (text: string) => text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  return bytes.length >= 32 && canonical(bytes.toString('base64')) === canonical(value);
}

/**
 * Why a master secret that decodes fine is still plainly not random, or undefined when
 * nothing is wrong (or it is not base64 at all: isBase64Secret reports that). These are
 * shapes people type by hand — one byte repeated (`openssl`'s output replaced by
 * `aaaa…`), a short block repeated, a counting sequence, a passphrase — each of which 32
 * random bytes produce with a probability far below 2^-64. The reason never quotes the secret.
 */
export function weakSecretReason(value: string): string | undefined {
  if (!isBase64Secret(value)) return undefined;
  const bytes = [...Buffer.from(value, 'base64')];
  const distinct = new Set(bytes).size;
  const period = shortestPeriod(bytes);
  if (period < bytes.length) return `it is the same ${period} byte${period === 1 ? '' : 's'} repeated`;
  const steps = new Set(bytes.slice(1).map((byte, index) => (byte - (bytes[index] ?? 0) + 256) % 256));
  if (steps.size <= 2) return 'it decodes to a counting sequence';
  // 32 random bytes hold about 30 different values; placeholders and typed text far fewer.
  // The base64 of a 32-byte hex key (`openssl rand -hex 32 | base64`) is text too, but random.
  const hexKey = bytes.length >= 64 && bytes.every((byte) => /[0-9a-f]/i.test(String.fromCharCode(byte)));
  if (distinct < Math.min(bytes.length, 256) / 2 && !hexKey) {
    return `its ${bytes.length} bytes take only ${distinct} different value${distinct === 1 ? '' : 's'}, like a placeholder or typed text`;
  }
  return undefined;
}

/** The length of the shortest block that, repeated, makes up `bytes` (its own length if none). */
function shortestPeriod(bytes: readonly number[]): number {
  for (let period = 1; period <= bytes.length / 2; period++) {
    if (bytes.every((byte, index) => index < period || byte === bytes[index - period])) return period;
  }
  return bytes.length;
}

/** proxy-addr (used by Fastify's trustProxy) also understands these names. */
const PROXY_ADDRESS_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IPv4/IPv6 address, a CIDR block of either, or one of proxy-addr's range names. */
export function isIpOrCidr(value: string): boolean {
  if (PROXY_ADDRESS_NAMES.has(value)) return true;
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  if (bits > (family === 4 ? 32 : 128)) return false;
  try {
    new BlockList().addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
    return true;
  } catch {
    return false;
  }
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** An exact browser origin (`https://app.example.com[:port]`, no path), or `*`. */
export function isOriginOrWildcard(value: string): boolean {
  if (value === '*') return true;
  const url = parseUrl(value);
  return url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
}

/** An exact browser origin, no wildcard (redirect targets, WebAuthn origins). */
export function isOrigin(value: string): boolean {
  return value !== '*' && isOriginOrWildcard(value);
}

/** An absolute http(s) URL usable as a base: no credentials, query or fragment. */
export function isHttpBaseUrl(value: string): boolean {
  const url = parseUrl(value);
  return (
    url !== undefined &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === '' &&
    !value.includes('?') &&
    !value.includes('#')
  );
}

/** A URL whose scheme is one of `schemes` (given without the colon) and that names a host. */
export const hasScheme =
  (...schemes: string[]) =>
  (value: string): boolean => {
    const url = parseUrl(value);
    return url !== undefined && schemes.includes(url.protocol.slice(0, -1)) && url.hostname !== '';
  };

/** `host:port` or `[ipv6]:port`, as Redis Cluster seed nodes are written. */
export function isHostPort(value: string): boolean {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)):(\d{1,5})$/.exec(
    value,
  );
  if (!match) return false;
  if (match[1] !== undefined && isIP(match[1]) !== 6) return false;
  const port = Number(match[3]);
  return port >= 1 && port <= 65535;
}

/** A lower-case DNS domain such as `example.com` (for sign-up domain allow-lists). */
export function isDomain(value: string): boolean {
  return (
    value.length <= 253 &&
    /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(value)
  );
}

/** Length in Unicode code points after NFKC, the way the password policy counts. */
export function passwordLength(value: string): number {
  return [...value.normalize('NFKC')].length;
}
