import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenants, users, type Database } from '../../src/database/index.js';

/** What every Database backend must do the same way. */
export function databaseContract(open: () => Promise<Database>): void {
  let database: Database;
  beforeAll(async () => {
    database = await open();
    await database.migrate();
    await database.db
      .insert(tenants)
      .values([
        { id: 'acme', name: 'Acme' },
        { id: 'globex', name: 'Globex' },
      ])
      .onConflictDoNothing();
  });
  afterAll(() => database?.close());

  const newUser = (tenantId: string, email: string) => ({
    id: randomUUID(),
    tenantId,
    email,
    emailNormalized: email.trim().normalize('NFC').toLowerCase(),
  });

  it('migrates idempotently', async () => {
    await database.migrate();
    const { rows } = await database.sql.query<{ n: number }>(`select count(*)::int as n from signing_keys`);
    expect(rows[0]?.n).toBeGreaterThanOrEqual(0);
  });

  it('keeps normalised emails unique within a tenant', async () => {
    const email = `Ada.${randomUUID()}@Example.com`;
    await database.db.insert(users).values(newUser('acme', email));
    await expect(database.db.insert(users).values(newUser('acme', email.toUpperCase()))).rejects.toThrow();
    const { rows } = await database.sql.query<{ n: number }>(
      'select count(*)::int as n from users where email_normalized = $1',
      [email.toLowerCase()],
    );
    expect(rows[0]?.n).toBe(1); // the failed insert left nothing behind
  });

  it('allows the same email in two tenants', async () => {
    const email = `grace.${randomUUID()}@example.com`;
    await database.db.insert(users).values(newUser('acme', email));
    await database.db.insert(users).values(newUser('globex', email));
    const rows = await database.db
      .select({ tenantId: users.tenantId })
      .from(users)
      .where(eq(users.email, email))
      .orderBy(users.tenantId);
    expect(rows.map((row) => row.tenantId)).toEqual(['acme', 'globex']);
  });

  it('defaults new users to role user, active, version 1', async () => {
    const [user] = await database.db
      .insert(users)
      .values(newUser('acme', `u.${randomUUID()}@example.com`))
      .returning();
    expect(user).toMatchObject({ roles: ['user'], status: 'active', roleVersion: 1, accountVersion: 1 });
  });

  it('refuses a user in an unknown tenant', async () => {
    await expect(database.db.insert(users).values(newUser('nope', 'x@example.com'))).rejects.toThrow();
  });

  it('answers ping', async () => {
    await expect(database.ping()).resolves.toBeUndefined();
  });
}
