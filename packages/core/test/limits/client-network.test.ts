import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientNetworkKey } from '../../src/limits/index.js';

/** Eight 16-bit groups as a full IPv6 address (no `::` shortening: the parser's job). */
const ipv6 = (groups: number[]) => groups.map((group) => group.toString(16)).join(':');
const group = fc.integer({ min: 0, max: 0xffff });

describe('clientNetworkKey', () => {
  it.each([
    ['192.0.2.1', 64, '192.0.2.1'],
    ['::ffff:192.0.2.1', 64, '192.0.2.1'],
    ['::ffff:c000:201', 64, '192.0.2.1'],
    ['2001:db8:1:2:aaaa::1', 64, '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:FFFF:FFFF:FFFF:FFFF', 64, '2001:db8:1:2::/64'],
    ['2001:db8:1:2:aaaa::1', 48, '2001:db8:1::/48'],
    ['2001:db8:1:2:aaaa::1', 56, '2001:db8:1::/56'],
    ['2001:db8:1:2ff::1', 56, '2001:db8:1:200::/56'],
    ['2001:db8:1:2:aaaa::1', 128, '2001:db8:1:2:aaaa::1/128'],
    ['fe80::1%eth0', 64, 'fe80::/64'],
    ['::1', 64, '::/64'],
    ['unknown', 64, 'unknown'],
  ])('%s with /%i → %s', (ip, prefix, key) => {
    expect(clientNetworkKey(ip, prefix)).toBe(key);
  });

  it('two addresses share a key exactly when their first 64 bits are equal', () => {
    fc.assert(
      fc.property(
        fc.array(group, { minLength: 8, maxLength: 8 }),
        fc.array(group, { minLength: 8, maxLength: 8 }),
        (a, b) => {
          // Not an IPv4-mapped address (::ffff:0:0/96), which counts as IPv4.
          fc.pre(!(a.slice(0, 5).every((g) => g === 0) && a[5] === 0xffff));
          fc.pre(!(b.slice(0, 5).every((g) => g === 0) && b[5] === 0xffff));
          const sameNetwork = a.slice(0, 4).every((g, i) => g === b[i]);
          expect(clientNetworkKey(ipv6(a), 64) === clientNetworkKey(ipv6(b), 64)).toBe(sameNetwork);
          const sibling = [...a.slice(0, 4), ...b.slice(4)];
          expect(clientNetworkKey(ipv6(sibling), 64)).toBe(clientNetworkKey(ipv6(a), 64));
        },
      ),
    );
  });
});
