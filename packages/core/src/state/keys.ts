/**
 * Builds StateStore keys. Everything that belongs to one user lives under one
 * Redis Cluster hash tag `{tenant:user}`, so a user's session, its refresh family
 * and the user's session index can be changed by one atomic script.
 */
const PREFIX = 'gh';

function assertPart(part: string): string {
  if (part.length === 0 || /[{}\s]/.test(part)) {
    throw new TypeError(`Invalid state key part: ${JSON.stringify(part)}`);
  }
  return part;
}

export const stateKeys = {
  /** A key in the user's hash slot. */
  user(tenant: string, userId: string, ...parts: string[]): string {
    return `${PREFIX}:{${assertPart(tenant)}:${assertPart(userId)}}:${parts.map(assertPart).join(':')}`;
  },
  /**
   * A key in the hash slot of `group` (not a user's): an index and the keys it records must
   * share a slot, e.g. the (identifier, IP) counters seen for one login identifier.
   */
  grouped(group: string, ...parts: string[]): string {
    return `${PREFIX}:{${assertPart(group)}}:${parts.map(assertPart).join(':')}`;
  },
  /** A key with its own slot (rate-limit counters, one-time codes). */
  global(...parts: string[]): string {
    return `${PREFIX}:${parts.map(assertPart).join(':')}`;
  },
};
