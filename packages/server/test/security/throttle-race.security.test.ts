/**
 * Online guessing by concurrency: a burst of parallel attempts must not outrun the login
 * throttles. A check that only reads the counters lets every attempt of a burst read "below
 * the limit" before any failure is counted: each limit would hold per request but not per
 * burst (40 parallel guesses instead of 10, a lockout threshold exceeded many times over).
 */
import { describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import {
  PASSWORD,
  TRUSTED_PROXY_CHEAP,
  comparable,
  expectProblem,
  freshIp,
  useSecurityServer,
  via,
  type SecurityServer,
} from './harness.js';

const WRONG = 'a wrong guess, in parallel';

function tally(answers: readonly LightMyRequestResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const answer of answers) counts[answer.statusCode] = (counts[answer.statusCode] ?? 0) + 1;
  return counts;
}

/** `count` wrong-password attempts at once; `email(i)` and `ip(i)` pick each one's target and origin. */
function burst(
  server: SecurityServer,
  count: number,
  email: (i: number) => string,
  ip: (i: number) => string,
) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      server.post('/auth/login', { email: email(i), password: WRONG }, via(ip(i))),
    ),
  );
}

describe('parallel guesses against the (email, IP) and per-IP limits', () => {
  const s = useSecurityServer(TRUSTED_PROXY_CHEAP);

  it('40 at once for one (email, IP): exactly 10 are tried; then the IP has 90 left, not 60', async () => {
    await s.server.createUser('burst@example.com');
    const ip = freshIp();
    const pair = await burst(
      s.server,
      40,
      () => 'burst@example.com',
      () => ip,
    );
    expect(tally(pair)).toEqual({ 401: 10, 429: 30 });
    for (const answer of pair)
      expectProblem(answer, answer.statusCode, ['invalid_credentials', 'rate_limited']);
    // The 30 refused attempts were not failures: the IP-wide count is 10 of its 100.
    const spray = await burst(
      s.server,
      120,
      (i) => `spray${i}@example.com`,
      () => ip,
    );
    expect(tally(spray)).toEqual({ 401: 90, 429: 30 });
    // The account itself is fine from anywhere else.
    expect(
      (await s.server.post('/auth/login', { email: 'burst@example.com', password: PASSWORD }, via(freshIp())))
        .statusCode,
    ).toBe(200);
  });
});

describe('parallel guesses against the lockout (threshold 5)', () => {
  const s = useSecurityServer({ ...TRUSTED_PROXY_CHEAP, rateLimits: { login: { lockoutThreshold: 5 } } });

  it('30 at once from 30 IPs: exactly 5 are tried, known and unknown emails alike; then it is locked', async () => {
    await s.server.createUser('target@example.com');
    const results: Record<string, LightMyRequestResponse> = {};
    for (const email of ['target@example.com', 'nobody-target@example.com']) {
      const answers = await burst(
        s.server,
        30,
        () => email,
        () => freshIp(),
      );
      expect(tally(answers), email).toEqual({ 401: 5, 423: 25 });
      const after = await s.server.post('/auth/login', { email, password: PASSWORD }, via(freshIp()));
      expectProblem(after, 423, 'account_locked');
      results[email] = after;
    }
    expect(comparable(results['nobody-target@example.com']!)).toEqual(
      comparable(results['target@example.com']!),
    );
  });
});
