import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { FastifyInstance } from 'fastify';

export type ProxyTrust = (address: string) => boolean;

/** One predicate decides which peers' forwarded headers count (Fastify's trustProxy uses it too). */
// The names proxy-addr (and so Express and Fastify) understand.
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

export function createProxyTrust(entries: readonly string[]): ProxyTrust {
  const list = new BlockList();
  for (const entry of entries.flatMap((item) => NAMED_RANGES[item] ?? [item])) {
    const [address = '', prefix] = entry.split('/');
    const type = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const plain = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
    if (isIPv4(plain)) return list.check(plain, 'ipv4');
    return isIPv6(plain) && list.check(plain, 'ipv6');
  };
}

const WARN_EVERY_MS = 10 * 60_000;

/**
 * Forwarded headers from peers that are not trusted proxies are ignored (the client
 * IP is the socket address). When they keep arriving the operator probably forgot
 * GATEHOUSE_TRUSTED_PROXIES: say so, at most every ten minutes.
 */
export function warnAboutUntrustedForwarding(app: FastifyInstance, trusts: ProxyTrust, now = Date.now): void {
  let ignored = 0;
  let lastWarning = -Infinity;
  app.addHook('onRequest', async (request) => {
    if (!request.headers['x-forwarded-for'] && !request.headers.forwarded) return;
    const peer = request.socket.remoteAddress ?? '';
    if (trusts(peer)) return;
    ignored++;
    if (now() - lastWarning < WARN_EVERY_MS) return;
    lastWarning = now();
    request.log.warn(
      { peer, ignoredRequests: ignored },
      'Ignoring forwarded headers from a peer that is not in GATEHOUSE_TRUSTED_PROXIES; the client IP is the socket address',
    );
    ignored = 0;
  });
}
