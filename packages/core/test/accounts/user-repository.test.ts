import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants, type Database } from '../../src/database/index.js';
import { EmailTakenError, UserRepository, normalizeEmail, emailLocalPart } from '../../src/accounts/index.js';
import { openMemoryDatabase } from '../helpers/memory-database.js';

describe('normalizeEmail', () => {
  it('trims, composes (NFC) and lower-cases; keeps dots and tags', () => {
    expect(normalizeEmail('  Ada.Lovelace+Math@Example.COM ')).toBe('ada.lovelace+math@example.com');
    expect(normalizeEmail('Jose\u0301@x.io')).toBe(normalizeEmail('Jos\u00e9@X.io'));
    expect(emailLocalPart('a@b@c.io')).toBe('a@b');
  });

  it('is idempotent and whitespace-insensitive at the ends (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const once = normalizeEmail(s);
        expect(normalizeEmail(once)).toBe(once);
        expect(normalizeEmail(`  ${s}\t`)).toBe(once);
      }),
    );
  });
});

describe('UserRepository', () => {
  let database: Database;
  let repo: UserRepository;
  beforeAll(async () => {
    database = await openMemoryDatabase();
    await database.migrate();
    await database.db.insert(tenants).values([
      { id: 'default', name: 'd' },
      { id: 'acme', name: 'a' },
    ]);
    repo = new UserRepository(database.db);
  });
  afterAll(() => database.close());

  it('creates a user with a password credential and finds it by any spelling of the email', async () => {
    const user = await repo.create({
      tenant: 'default',
      email: ' Grace@Example.com ',
      passwordHash: '$argon2id$fake',
    });
    expect(user).toMatchObject({
      email: 'Grace@Example.com',
      emailNormalized: 'grace@example.com',
      roles: ['user'],
    });
    expect((await repo.findByEmail('default', 'GRACE@example.COM'))?.id).toBe(user.id);
    expect(await repo.passwordHash(user.id)).toBe('$argon2id$fake');
    expect(await repo.findByEmail('acme', 'grace@example.com')).toBeUndefined();
  });

  it('refuses a duplicate normalised email in the tenant and leaves nothing half-written', async () => {
    await repo.create({ tenant: 'default', email: 'dup@example.com', passwordHash: 'h1' });
    await expect(
      repo.create({ tenant: 'default', email: 'DUP@example.com ', passwordHash: 'h2' }),
    ).rejects.toBeInstanceOf(EmailTakenError);
    const { rows } = await database.sql.query<{ n: number }>(
      `select count(*)::int as n from credentials where secret = 'h2'`,
    );
    expect(rows[0]?.n).toBe(0);
    await expect(repo.create({ tenant: 'acme', email: 'dup@example.com' })).resolves.toBeDefined();
  });

  it('exactly one of concurrent sign-ups with one email succeeds', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => repo.create({ tenant: 'default', email: 'race@example.com' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('bumps versions on role and status changes, scoped to the tenant', async () => {
    const user = await repo.create({ tenant: 'acme', email: 'v@example.com' });
    expect(await repo.setRoles('default', user.id, ['admin'])).toBeUndefined(); // other tenant: nothing
    const promoted = await repo.setRoles('acme', user.id, ['user', 'admin', 'admin']);
    expect(promoted).toMatchObject({ roles: ['user', 'admin'], roleVersion: 2, accountVersion: 1 });
    const disabled = await repo.setStatus('acme', user.id, 'disabled');
    expect(disabled).toMatchObject({ status: 'disabled', accountVersion: 2 });
  });

  it('treats malformed ids as not found (no SQL error)', async () => {
    expect(await repo.findById('default', "' OR 1=1 --")).toBeUndefined();
  });

  it('replaces the password hash', async () => {
    const user = await repo.create({ tenant: 'default', email: 'pw@example.com' });
    await repo.setPasswordHash(user.id, 'first');
    await repo.setPasswordHash(user.id, 'second');
    expect(await repo.passwordHash(user.id)).toBe('second');
  });
});
