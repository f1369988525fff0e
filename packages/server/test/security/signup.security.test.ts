/**
 * Sign-up under attack: registering an existing email (in any spelling) must answer exactly
 * like a new one (enumeration), and closed or domain-limited sign-up must hold for every
 * spelling of a foreign domain.
 */
import { describe, expect, it } from 'vitest';
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

describe('sign-up enumeration and closed sign-up', () => {
  const open = useSecurityServer(TRUSTED_PROXY_CHEAP);
  const closed = useSecurityServer({ ...TRUSTED_PROXY_CHEAP, accounts: { signupEnabled: false } });
  const allowList = useSecurityServer({
    ...TRUSTED_PROXY_CHEAP,
    accounts: { signupAllowedDomains: ['example.com'] },
  });
  const register = (server: SecurityServer, email: string) =>
    server.post('/auth/register', { email, password: PASSWORD }, via(freshIp()));

  it('an existing email (in any spelling) and a new one get the same answer', async () => {
    await open.server.createUser('taken@example.com');
    const fresh = await register(open.server, 'fresh@example.com');
    expect(fresh.statusCode).toBe(202);
    for (const email of [
      'taken@example.com',
      'TAKEN@Example.COM',
      ' taken@example.com ',
      'fresh@example.com',
    ]) {
      const again = await register(open.server, email);
      expect({ status: again.statusCode, body: again.json() }, email).toEqual({
        status: 202,
        body: fresh.json(),
      });
    }
  });

  it('a name the database cannot store (NUL) is 400 validation_error, not 500', async () => {
    for (const name of ['Bob\u0000', '\u0000', 'a\u0000b']) {
      const answer = await open.server.post(
        '/auth/register',
        { email: 'named@example.com', password: PASSWORD, name },
        via(freshIp()),
      );
      expect(expectProblem(answer, 400, 'validation_error').errors).toEqual([
        expect.objectContaining({ path: 'name' }),
      ]);
    }
  });

  it('with sign-up disabled every registration is 403 signup_disabled, existing email or not', async () => {
    await closed.server.createUser('member@example.com');
    const answers = [
      await register(closed.server, 'member@example.com'),
      await register(closed.server, 'new@example.com'),
    ];
    for (const answer of answers) expectProblem(answer, 403, 'signup_disabled');
    expect(comparable(answers[1]!)).toEqual(comparable(answers[0]!));
  });

  it('a domain allow-list admits only exact domains', async () => {
    for (const email of [
      'a@example.org',
      'a@example.com.evil.io',
      'a@sub.example.com',
      'a@evilexample.com',
      'a@xn--exmple-cua.com',
    ]) {
      expectProblem(await register(allowList.server, email), 403, 'signup_disabled');
    }
    for (const email of ['b@example.com', 'c@EXAMPLE.com']) {
      expect((await register(allowList.server, email)).statusCode, email).toBe(202);
    }
  });
});
