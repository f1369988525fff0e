import ipaddr from 'ipaddr.js';

/**
 * The key every per-client limit and counter is kept under, from the client IP (as resolved
 * through trusted proxies):
 * - IPv4, and IPv4-mapped IPv6 (`::ffff:192.0.2.1`, what a dual-stack socket reports for an
 *   IPv4 peer): the address itself, so one IPv4 client has one budget however it connects;
 * - other IPv6: the network of its first `ipv6Prefix` bits (`2001:db8:1:2::/64`). One
 *   subscriber is routed a whole /64 (often a /56 or /48) and picks addresses in it freely
 *   (privacy extensions, or on purpose): keyed by address, every new address would be a
 *   fresh budget.
 * Anything that is not an IP address (no socket address, a test's made-up value) is its own key.
 * Parsing is ipaddr.js's (expansion of `::`, zone ids, embedded IPv4), not hand-written.
 */
export function clientNetworkKey(ip: string, ipv6Prefix: number): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.parse(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const network = v6.toByteArray().map((byte, index) => {
    const kept = Math.min(8, Math.max(0, ipv6Prefix - index * 8));
    return byte & (0xff00 >> kept) & 0xff;
  });
  return `${ipaddr.fromByteArray(network).toString()}/${ipv6Prefix}`;
}

/** `clientNetworkKey` with the configured prefix bound (rateLimits.ipv6Prefix). */
export type ClientNetworkOf = (ip: string) => string;

export const clientNetworks =
  (ipv6Prefix: number): ClientNetworkOf =>
  (ip) =>
    clientNetworkKey(ip, ipv6Prefix);
