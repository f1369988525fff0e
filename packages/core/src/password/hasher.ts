/**
 * Argon2id password hashing (config `passwords.argon2`). Hashing and
 * verification use @node-rs/argon2's async functions, which run on the libuv
 * thread pool: the event loop keeps serving requests while a hash is computed.
 *
 * - Passwords are NFKC-normalised before hashing and verifying.
 * - verify() never throws: a malformed, foreign or absurd stored hash is
 *   simply "not a match".
 * - verifyDummy() does the same work as a failed verify() against a hash made
 *   with the current parameters, so "no such account" costs what "wrong
 *   password" costs (API.md "Timing").
 * - A password over a hard cap (4 × maxLength code points) is never hashed.
 */
import { hash as argon2Hash, parseOptions, verify as argon2Verify } from '@node-rs/argon2';
import type { Algorithm, Options, ParsedHashOptions, Version } from '@node-rs/argon2';
import { systemRandom, type RandomSource } from '../util/random.js';
import { countCodePoints, normalizePassword } from './normalize.js';

/** The Argon2id cost parameters, as in `config.passwords.argon2`. */
export interface Argon2Params {
  /** Memory per hash in KiB (`m=`). */
  memoryKiB: number;
  /** Passes over memory (`t=`). */
  iterations: number;
  /** Lanes (`p=`). */
  parallelism: number;
}

export interface PasswordHasherLimits {
  /**
   * The policy's maximum length in code points (`config.passwords.maxLength`,
   * default 256). Passwords over 4 × this are never hashed: the policy already
   * refuses anything over maxLength, so this only bounds pointless work.
   */
  maxLength?: number;
}

export interface VerifyResult {
  ok: boolean;
  /** True only when `ok` and the stored hash was made with other parameters or another algorithm. */
  needsRehash: boolean;
}

/** hash() refuses passwords over the hard cap; callers should have applied the policy first. */
export class PasswordTooLongError extends RangeError {
  constructor(readonly limitCodePoints: number) {
    super(`password exceeds the hard cap of ${limitCodePoints} code points and is not hashed`);
    this.name = 'PasswordTooLongError';
  }
}

// Numeric values of @node-rs/argon2's const enums (ambient const enums cannot
// be read under isolatedModules): Algorithm.Argon2id = 2, Version.V0x13 = 1.
const ARGON2ID = 2 as Algorithm;
const VERSION_0X13 = 1 as Version;
/** The library's default output length (bytes); hashes with another length are rehashed. */
const OUTPUT_LENGTH = 32;
/** The library's salt length (bytes); shorter salts in old hashes are rehashed. */
const SALT_LENGTH = 16;
/**
 * Stored hashes whose cost exceeds the config schema's own ceilings are
 * refused unverified: the parameters come from the hash itself, and a
 * corrupted `m=` could otherwise make one verification allocate gigabytes.
 */
const STORED_LIMITS = { memoryKiB: 4_194_304, iterations: 64, parallelism: 64 } as const;
const DEFAULT_MAX_LENGTH = 256;

const NO_MATCH: VerifyResult = Object.freeze({ ok: false, needsRehash: false });

export class PasswordHasher {
  readonly params: Readonly<Argon2Params>;
  /** Longest password (code points after NFKC) that is ever hashed. */
  readonly hardCapCodePoints: number;
  readonly #options: Options;
  readonly #random: RandomSource;
  #dummy: Promise<string> | undefined;

  /** `random` draws the dummy password (Argon2 draws its own salts). */
  constructor(params: Argon2Params, limits: PasswordHasherLimits = {}, random: RandomSource = systemRandom) {
    this.#random = random;
    for (const key of ['memoryKiB', 'iterations', 'parallelism'] as const) {
      if (!Number.isInteger(params[key]) || params[key] < 1) {
        throw new RangeError(`argon2 ${key} must be a positive integer`);
      }
    }
    this.params = Object.freeze({
      memoryKiB: params.memoryKiB,
      iterations: params.iterations,
      parallelism: params.parallelism,
    });
    this.hardCapCodePoints = 4 * (limits.maxLength ?? DEFAULT_MAX_LENGTH);
    this.#options = {
      algorithm: ARGON2ID,
      version: VERSION_0X13,
      memoryCost: params.memoryKiB,
      timeCost: params.iterations,
      parallelism: params.parallelism,
      outputLen: OUTPUT_LENGTH,
    };
  }

  /** Argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of the NFKC form of `password`. */
  async hash(password: string): Promise<string> {
    const normalized = normalizePassword(password);
    if (this.#overCap(normalized)) throw new PasswordTooLongError(this.hardCapCodePoints);
    return argon2Hash(normalized, this.#options);
  }

  /**
   * Checks `password` against the stored PHC string. Never throws. Accepts
   * argon2i/argon2d hashes too (reporting needsRehash), anything else is no match.
   */
  async verify(phc: string, password: string): Promise<VerifyResult> {
    const normalized = normalizePassword(password);
    if (this.#overCap(normalized)) return NO_MATCH;
    const stored = inspect(phc);
    if (!stored) return NO_MATCH;
    let ok: boolean;
    try {
      ok = await argon2Verify(phc, normalized);
    } catch {
      return NO_MATCH;
    }
    return ok ? { ok: true, needsRehash: this.#differs(stored) } : NO_MATCH;
  }

  /**
   * One verification against a fixed dummy hash made (once, lazily) with the
   * current parameters. Use it when there is no account or no stored
   * password, so the answer takes as long as a wrong password. Always `ok: false`.
   */
  async verifyDummy(password: string): Promise<VerifyResult> {
    const phc = await this.#dummyHash();
    await this.verify(phc, password);
    return NO_MATCH;
  }

  /** Builds the dummy hash now, so the first unknown-account login is not slower. */
  async warmUp(): Promise<void> {
    await this.#dummyHash();
  }

  /**
   * Whether a stored hash was made with other parameters than the current
   * ones (or is not Argon2id v1.3). Malformed hashes answer true.
   */
  needsRehash(phc: string): boolean {
    const stored = inspect(phc);
    return stored ? this.#differs(stored) : true;
  }

  #differs(stored: ParsedHashOptions): boolean {
    return (
      stored.algorithm !== ARGON2ID ||
      stored.version !== VERSION_0X13 ||
      stored.memoryCost !== this.params.memoryKiB ||
      stored.timeCost !== this.params.iterations ||
      stored.parallelism !== this.params.parallelism ||
      stored.outputLen !== OUTPUT_LENGTH ||
      stored.saltLen < SALT_LENGTH
    );
  }

  #overCap(normalized: string): boolean {
    // Cheap bound first: a string has at least length/2 code points.
    if (normalized.length > 2 * this.hardCapCodePoints) return true;
    return countCodePoints(normalized) > this.hardCapCodePoints;
  }

  #dummyHash(): Promise<string> {
    if (!this.#dummy) {
      const dummy = argon2Hash(this.#random.token(24), this.#options);
      // A failure (e.g. out of memory) is not cached: the next call retries.
      dummy.catch(() => {
        if (this.#dummy === dummy) this.#dummy = undefined;
      });
      this.#dummy = dummy;
    }
    return this.#dummy;
  }
}

/** The parameters of an Argon2 PHC string, or undefined when it is not a usable one. */
function inspect(phc: unknown): ParsedHashOptions | undefined {
  if (typeof phc !== 'string' || !phc.startsWith('$argon2')) return undefined;
  let stored: ParsedHashOptions;
  try {
    stored = parseOptions(phc);
  } catch {
    return undefined;
  }
  const sane =
    stored.memoryCost <= STORED_LIMITS.memoryKiB &&
    stored.timeCost <= STORED_LIMITS.iterations &&
    stored.parallelism <= STORED_LIMITS.parallelism;
  return sane ? stored : undefined;
}
