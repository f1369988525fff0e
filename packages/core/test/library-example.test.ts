import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  AuthEngine,
  createConfig,
  createRequestContext,
  openGatehouse,
  type AuditEvent,
} from '../src/index.js';

// docs/library.md, as a test: the documented example must keep working.
it('runs the library example from docs/library.md', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-lib-'));
  const events: AuditEvent[] = [];
  const config = createConfig({
    secret: randomBytes(32).toString('base64'),
    storage: { dataDir },
    accounts: { requireVerifiedEmail: false },
  });
  const gatehouse = await openGatehouse(config);
  const auth = new AuthEngine(gatehouse, { log: (event) => events.push(event) });
  await auth.start();
  try {
    const ctx = createRequestContext({
      ip: '203.0.113.7',
      userAgent: 'my-app',
      requestId: 'req-1',
      tenant: 'default',
    });
    await auth.signIn.register({ email: 'ada@example.com', password: 'a sturdy passphrase' }, ctx);
    const login = await auth.signIn.login({ email: 'ada@example.com', password: 'a sturdy passphrase' }, ctx);
    if (!login.ok) throw new Error(login.code);
    if ('mfa' in login) throw new Error('a second factor is needed: auth.signIn.verifyMfa(...)');
    const { accessToken, refreshToken } = login.tokens;
    const check = await auth.sessions.validate(accessToken, 'strict', ctx);
    expect(check.ok).toBe(true);
    const next = await auth.sessions.refresh(refreshToken, ctx);
    expect(next.ok).toBe(true);
    if (check.ok) await auth.sessions.logout(check.claims, ctx);
    expect((await auth.sessions.validate(accessToken, 'strict', ctx)).ok).toBe(false);
    await auth.close();
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['register.succeeded', 'login.succeeded']),
    );
  } finally {
    await gatehouse.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
