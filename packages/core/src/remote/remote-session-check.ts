/**
 * The server's word on a token whose signature and claims already held locally: is its
 * session still alive (not logged out, not revoked, versions current)? Asked with
 * `HEAD verify-token?mode=strict`; hybrid mode keeps a "yes" for a few seconds per token
 * (API.md "Validation modes": revocation state cached for at most 5 s). Only "yes" is
 * cached: a "no" or an outage is asked again next time.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../util/clock.js';
import type { FetchFunction } from './remote-jwks.js';

/** Bounded so a flood of distinct valid tokens cannot grow memory without end. */
const MAX_CACHED_TOKENS = 10_000;

export type SessionAnswer = 'alive' | 'revoked' | 'unavailable';

export interface RemoteSessionCheckOptions {
  url: string;
  fetch: FetchFunction;
  clock: Clock;
  /** How long a positive answer is reused; 0 asks every time (strict). */
  cacheMs: number;
  timeoutMs: number;
}

export class RemoteSessionCheck {
  /** Token hash → when its positive answer stops counting. Insertion order doubles as age. */
  private readonly alive = new Map<string, number>();

  constructor(private readonly options: RemoteSessionCheckOptions) {}

  async check(token: string): Promise<SessionAnswer> {
    if (this.options.cacheMs <= 0) return this.ask(token);
    // A hash, not the token: the cache never holds a usable credential.
    const key = createHash('sha256').update(token).digest('base64url');
    const now = this.options.clock.now();
    const until = this.alive.get(key);
    if (until !== undefined && now < until) return 'alive';
    this.alive.delete(key);
    const answer = await this.ask(token);
    if (answer === 'alive') this.remember(key, now + this.options.cacheMs);
    return answer;
  }

  private remember(key: string, until: number): void {
    if (this.alive.size >= MAX_CACHED_TOKENS) {
      const oldest = this.alive.keys().next().value;
      if (oldest !== undefined) this.alive.delete(oldest);
    }
    this.alive.set(key, until);
  }

  private async ask(token: string): Promise<SessionAnswer> {
    try {
      const response = await this.options.fetch(this.options.url, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${token}` },
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.body?.cancel();
      if (response.status === 204 || response.status === 200) return 'alive';
      if (response.status === 401) return 'revoked';
      return 'unavailable'; // 429, 5xx, anything unexpected: not a "yes"
    } catch {
      return 'unavailable';
    }
  }
}
