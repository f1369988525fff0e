import { randomBytes } from 'node:crypto';

/** Randomness is injected like time; the default is the operating system's CSPRNG. */
export interface RandomSource {
  bytes(length: number): Buffer;
}

export const systemRandom: RandomSource = { bytes: (length) => randomBytes(length) };
