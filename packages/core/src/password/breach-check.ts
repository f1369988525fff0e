/**
 * Have I Been Pwned "Pwned Passwords" range check (k-anonymity): the SHA-1 of
 * the password is computed here and only its first 5 hex characters are sent
 * (`GET {apiUrl}/range/{PREFIX}`); the API answers every known suffix under
 * that prefix as `SUFFIX:COUNT` lines and the comparison happens locally.
 * `Add-Padding: true` asks the API to pad the answer with `COUNT` 0 lines, so
 * the response size does not hint at the prefix either.
 *
 * Failure policy: a timeout, network error, HTTP error or unreadable answer
 * yields 'unknown', and the password policy then ACCEPTS the password. The
 * availability of a third-party API must not block sign-ups or resets; the
 * caller sees 'unknown' (and `onError`) and should audit it.
 */
import { createHash } from 'node:crypto';
import { normalizePassword } from './normalize.js';

export type BreachCheckResult = boolean | 'unknown';

export interface BreachChecker {
  /** true: seen in a breach; false: not seen; 'unknown': the API could not answer. */
  isBreached(password: string): Promise<BreachCheckResult>;
}

export interface BreachCheckerOptions {
  /** Base URL of the range API, e.g. https://api.pwnedpasswords.com (config `passwords.breachCheck.apiUrl`). */
  apiUrl: string;
  /** Give up after this long, body included (config `passwords.breachCheck.timeoutMs`). */
  timeoutMs: number;
  /** Injected fetch (tests, proxies); default the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Told why a check ended 'unknown' (for logs); never given the password. */
  onError?: (error: unknown) => void;
}

const LINE = /^([0-9A-F]{35}):(\d+)$/i;

export function createBreachChecker(options: BreachCheckerOptions): BreachChecker {
  const base = options.apiUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return {
    async isBreached(password: string): Promise<BreachCheckResult> {
      const digest = createHash('sha1')
        .update(normalizePassword(password), 'utf8')
        .digest('hex')
        .toUpperCase();
      const prefix = digest.slice(0, 5);
      const suffix = digest.slice(5);
      try {
        const body = await withTimeout(options.timeoutMs, async (signal) => {
          const response = await fetchImpl(`${base}/range/${prefix}`, {
            method: 'GET',
            headers: { 'Add-Padding': 'true', 'User-Agent': 'gatehouse-password-check' },
            signal,
          });
          if (!response.ok) {
            await response.body?.cancel().catch(() => undefined);
            throw new Error(`breach-check API answered HTTP ${response.status}`);
          }
          return response.text();
        });
        return rangeContains(body, suffix);
      } catch (error) {
        options.onError?.(error);
        return 'unknown';
      }
    },
  };
}

/**
 * Whether a range answer lists `suffix` with a positive count. Padding lines
 * (count 0) never match. An answer with no well-formed line at all (an HTML
 * error page served with 200, say) is not evidence either way: it throws.
 */
export function rangeContains(body: string, suffix: string): boolean {
  const wanted = suffix.toUpperCase();
  let wellFormed = 0;
  for (const raw of body.split('\n')) {
    const match = LINE.exec(raw.trim());
    if (!match) continue;
    wellFormed++;
    if (match[1]?.toUpperCase() === wanted && Number(match[2]) > 0) return true;
  }
  if (wellFormed === 0) throw new Error('breach-check API answer has no SUFFIX:COUNT lines');
  return false;
}

/** Runs `work` with a signal aborted after `ms`; rejects at `ms` even if `work` ignores the signal. */
async function withTimeout<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`breach-check API did not answer within ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
