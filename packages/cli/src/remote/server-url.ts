import { isIP } from 'node:net';
import { usageFailure } from '../secure-files/errors.js';

/** Where `gatehouse serve` listens by default: what `gatehouse login` signs in to without --server. */
export const DEFAULT_SERVER = 'http://localhost:3000';

/**
 * The base URL of a Gatehouse server as given to `--server`: http(s), no credentials, query
 * or fragment, no trailing slash (a path is kept, for a server behind a proxy prefix).
 *
 * Plain http is refused for anything but this machine unless `insecureHttp`: the password,
 * the second-factor code and every token would cross the network in clear.
 */
export function parseServerUrl(value: string, { insecureHttp = false } = {}): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageFailure(`--server ${value}: not a URL (expected e.g. https://auth.example.com)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw usageFailure(`--server ${value}: expected an http:// or https:// URL`);
  if (url.username || url.password || url.search || url.hash)
    throw usageFailure(`--server ${value}: no user, password, query or fragment in the server URL`);
  if (url.protocol === 'http:' && !insecureHttp && !isLoopback(url.hostname)) {
    throw usageFailure(
      `refusing ${url.origin}: over plain http the password and the tokens would travel in clear; ` +
        'use https://, or --insecure-http if you really mean it',
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** This machine's own addresses: plain http to them never leaves the host. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true; // not *.localhost: a resolver may send those to DNS
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
