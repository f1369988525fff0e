import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/**
 * Randomness is injected like time, so tests can make ids and secrets predictable;
 * the default is the operating system's CSPRNG. Every other file in core draws from one.
 */
export interface RandomSource {
  bytes(length: number): Buffer;
  /** A version 4 UUID (database ids, job ids). */
  uuid(): string;
  /** A uniformly distributed integer in [0, max). */
  below(max: number): number;
  /** `length` random bytes as base64url (secrets, challenge ids, opaque tokens). */
  token(length: number): string;
}

export const systemRandom: RandomSource = {
  bytes: (length) => randomBytes(length),
  uuid: () => randomUUID(),
  below: (max) => randomInt(max),
  token: (length) => randomBytes(length).toString('base64url'),
};
