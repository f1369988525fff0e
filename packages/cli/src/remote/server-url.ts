import { isIP } from 'node:net';
import { usageFailure } from '../secure-files/errors.js';

/** Where `gatehouse serve` listens by default: what `gatehouse login` signs in to without --server. */
export const DEFAULT_SERVER = 'http://localhost:3000';

/** The server `login` uses without --server, and the setting that chose it (to say so). */
export interface DefaultServer {
  url: string;
  /** `GATEHOUSE_PUBLIC_URL`, `PORT`, or undefined for the built-in default. */
  from: 'GATEHOUSE_PUBLIC_URL' | 'PORT' | undefined;
}

/**
 * Without --server, `login` goes where `gatehouse serve` with the same environment would be
 * found: GATEHOUSE_PUBLIC_URL if set, else localhost on PORT (both read as the server reads
 * them), else DEFAULT_SERVER. A shell that set PORT=4000 for `npm start` then signs in to 4000.
 */
export function defaultServer(env: NodeJS.ProcessEnv): DefaultServer {
  const publicUrl = env.GATEHOUSE_PUBLIC_URL?.trim();
  if (publicUrl) return { url: publicUrl, from: 'GATEHOUSE_PUBLIC_URL' };
  const port = env.PORT?.trim();
  if (!port) return { url: DEFAULT_SERVER, from: undefined };
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)
    throw usageFailure(`PORT=${port} is not a port number (1-65535); use --server <url>`);
  return { url: `http://localhost:${Number(port)}`, from: 'PORT' };
}

/**
 * The base URL of a Gatehouse server as given to `--server`: http(s), no credentials, query
 * or fragment, no trailing slash (a path is kept, for a server behind a proxy prefix).
 *
 * Plain http is refused for anything but this machine unless `insecureHttp`: the password,
 * the second-factor code and every token would cross the network in clear.
 */
export function parseServerUrl(value: string, { insecureHttp = false, from = '--server' } = {}): string {
  // `from` names where the value came from (the option, or GATEHOUSE_PUBLIC_URL) in errors.
  const given = from.startsWith('--') ? `${from} ${value}` : `${from}=${value}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageFailure(`${given}: not a URL (expected e.g. https://auth.example.com)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw usageFailure(`${given}: expected an http:// or https:// URL`);
  if (url.username || url.password || url.search || url.hash)
    throw usageFailure(`${given}: no user, password, query or fragment in the server URL`);
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
