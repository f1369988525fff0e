/**
 * /metrics as an enumeration oracle: whoever can scrape it sends a request for an address
 * and watches which counters move. Two servers receive the very same requests; on one the
 * addresses have accounts (a verified and an unverified one), on the other nobody has. After
 * every queued job ran, both must expose the same series with the same labels, and the
 * account-related counters must hold the same values.
 */
import { describe, expect, it } from 'vitest';
import { CHEAP_ARGON2, PASSWORD, useSecurityServer, type SecurityServer } from './harness.js';
import { storesOf } from '../helpers/stores.js';

const VERIFIED = 'ada@example.com';
const UNVERIFIED = 'bob@example.com';

const CONFIG = {
  jobs: { pollIntervalMs: 20, backoffBaseMs: 20 },
  passwords: CHEAP_ARGON2,
} as const;

/** Every address-only request an attacker can send, in one fixed order (register last: it creates). */
async function probe(server: SecurityServer): Promise<void> {
  for (const email of [VERIFIED, UNVERIFIED]) {
    const answers = [
      await server.post('/auth/password/forgot', { email }),
      await server.post('/auth/verify-email/resend', { email }),
      await server.post('/auth/magic-link', { email }),
      await server.post('/auth/login', { email, password: 'not the password 1' }),
      await server.post('/auth/register', { email, password: 'an attacker passphrase 9' }),
    ];
    expect(answers.map((answer) => answer.statusCode)).toEqual([202, 202, 202, 401, 202]);
  }
  await server.gatehouse.jobs.drain(10_000);
  await server.engine.audit.flush();
}

/** The scrape, without the process-wide default metrics (memory, CPU) nobody's requests decide. */
async function scrape(server: SecurityServer): Promise<string[]> {
  const response = await server.app.inject('/metrics');
  expect(response.statusCode).toBe(200);
  return response.body
    .split('\n')
    .filter((line) => /^gatehouse_(?:http|auth|jobs)/.test(line))
    .sort();
}

const seriesOf = (lines: string[]) => lines.map((line) => line.slice(0, line.lastIndexOf(' ')));
const countersOf = (lines: string[]) =>
  lines.filter((line) => /^gatehouse_(?:auth_events_total|jobs|http_requests_total)\b/.test(line));

describe('/metrics does not tell which accounts exist', () => {
  const known = useSecurityServer(CONFIG);
  const unknown = useSecurityServer(CONFIG);

  it('known and unknown addresses through forgot, resend, magic link, login and register: identical series', async () => {
    await known.server.createUser(VERIFIED);
    await storesOf(known.server.engine).users.create({
      tenant: 'default',
      email: UNVERIFIED,
      emailVerified: false,
      passwordHash: await storesOf(known.server.engine).hasher.hash(PASSWORD),
    });
    await probe(known.server);
    await probe(unknown.server);
    // The jobs did tell the two apart: more mail went out where the accounts exist.
    const sent = async (server: SecurityServer) =>
      (await server.audit()).filter((event) => event.type.endsWith('_sent')).length;
    expect(await sent(known.server)).toBeGreaterThan(await sent(unknown.server));

    const [a, b] = [await scrape(known.server), await scrape(unknown.server)];
    expect(seriesOf(a).join('\n')).toBe(seriesOf(b).join('\n'));
    expect(countersOf(a).join('\n')).toBe(countersOf(b).join('\n'));
    // The requests themselves are counted, under one name for a new and a taken address.
    expect(a).toContain('gatehouse_auth_events_total{type="register.accepted",reason=""} 2');
    expect(a).toContain('gatehouse_auth_events_total{type="password.reset_requested",reason=""} 2');
    expect(a.join('\n')).not.toMatch(/_sent"|existing_email|example\.com/);
  });
});
