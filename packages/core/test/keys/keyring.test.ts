import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { signingKeys, type Database } from '../../src/database/index.js';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { Keyring, SigningKeyRepository, type SigningAlgorithm } from '../../src/keys/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { openMemoryDatabase } from '../helpers/memory-database.js';

const NEXT_KEY_MIN_AGE_SECONDS = 20;

describe('Keyring', () => {
  let database: Database;
  const master = randomBytes(32);
  const clock = new ManualClock();
  const keyring = (algorithm: SigningAlgorithm = 'EdDSA', secret = master) =>
    new Keyring({
      repository: new SigningKeyRepository(database.db, new SecretBox(secret, 'signing-keys')),
      algorithm,
      graceSeconds: 900,
      nextKeyMinAgeSeconds: NEXT_KEY_MIN_AGE_SECONDS,
      clock,
    });

  beforeAll(async () => {
    database = await openMemoryDatabase();
    await database.migrate();
  });
  afterAll(() => database.close());

  it('creates a current and a next key, publishes both, and finds the same keys after a restart', async () => {
    const ring = keyring();
    await ring.ensureKeys();
    const jwks = ring.jwks();
    expect(jwks.keys).toHaveLength(2);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ alg: 'EdDSA', use: 'sig', kty: 'OKP', crv: 'Ed25519' });
      expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(key).not.toHaveProperty('d'); // never the private half
    }
    expect(jwks.keys[0]?.kid).toBe(ring.current().kid);

    const restarted = keyring();
    await restarted.ensureKeys();
    expect(restarted.current().kid).toBe(ring.current().kid);
    expect(restarted.jwks()).toEqual(jwks);
  });

  it('stores private keys sealed, never in the clear', async () => {
    const rows = await database.db.select().from(signingKeys);
    for (const row of rows) {
      expect(row.privateKeySealed).toMatch(/^v1\./);
      expect(row.privateKeySealed).not.toMatch(/PRIVATE KEY/);
    }
  });

  it('refuses to open keys under another master secret', async () => {
    await expect(keyring('EdDSA', randomBytes(32)).refresh()).rejects.toThrow(/GATEHOUSE_SECRET differs/);
  });

  it('has exactly one current key when instances start together', async () => {
    const rings = [keyring(), keyring(), keyring()];
    await Promise.all(rings.map((ring) => ring.ensureKeys()));
    const kids = new Set(rings.map((ring) => ring.current().kid));
    expect(kids.size).toBe(1);
  });

  it('rotates: next signs, the old key verifies until its grace ends, then drops out', async () => {
    const ring = keyring();
    await ring.ensureKeys();
    const before = ring.current().kid;
    const next = ring.jwks().keys.find((key) => key.kid !== before)?.kid;
    clock.advance(NEXT_KEY_MIN_AGE_SECONDS * 1000);
    expect(await ring.rotate()).toEqual({ ok: true, current: next });
    expect(ring.current().kid).toBe(next);
    expect(ring.jwks().keys.map((key) => key.kid)).toContain(before);
    expect(ring.jwks().keys).toHaveLength(3); // current, new next, retired
    expect(ring.find(before)).toBeDefined();

    clock.advance(901_000);
    await ring.refresh();
    expect(ring.find(before)).toBeUndefined();
    expect(ring.jwks().keys.map((key) => key.kid)).not.toContain(before);
  });

  it('refuses to promote a next key younger than the minimum age: a second rotation right after the first', async () => {
    const ring = keyring();
    await ring.ensureKeys();
    clock.advance(NEXT_KEY_MIN_AGE_SECONDS * 1000);
    const first = await ring.rotate();
    expect(first).toMatchObject({ ok: true });
    const published = ring.jwks();

    // The new next key exists only now: instances that reload every refresh interval
    // have not seen it, so it must not sign yet.
    const second = await ring.rotate();
    expect(second).toEqual({
      ok: false,
      code: 'rotation_too_soon',
      retryAfterSeconds: NEXT_KEY_MIN_AGE_SECONDS,
    });
    expect(ring.current().kid).toBe(first.ok && first.current);
    expect(ring.jwks()).toEqual(published); // nothing retired, nothing added

    clock.advance(NEXT_KEY_MIN_AGE_SECONDS * 1000 - 1500);
    expect(await ring.rotate()).toMatchObject({ ok: false, retryAfterSeconds: 2 });
    clock.advance(1500);
    expect(await ring.rotate()).toMatchObject({ ok: true });
  });

  it('rotates once when two instances rotate at the same moment', async () => {
    const instances = [keyring(), keyring(), keyring()];
    await Promise.all(instances.map((ring) => ring.ensureKeys()));
    clock.advance(NEXT_KEY_MIN_AGE_SECONDS * 1000);
    const before = instances[0]!.current().kid;
    const results = await Promise.all(instances.map((ring) => ring.rotate()));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.code === 'rotation_too_soon')).toHaveLength(2);
    const rows = await database.db.select().from(signingKeys);
    expect(rows.filter((row) => row.status === 'current')).toHaveLength(1);
    expect(rows.find((row) => row.kid === before)?.status).toBe('retired');
  });

  it.each(['EdDSA', 'ES256', 'RS256'] as const)(
    '%s tokens verify with any JOSE library through the JWKS',
    async (alg) => {
      const db = await openMemoryDatabase();
      await db.migrate();
      const ring = new Keyring({
        repository: new SigningKeyRepository(db.db, new SecretBox(master, 'signing-keys')),
        algorithm: alg,
        graceSeconds: 60,
        nextKeyMinAgeSeconds: 0,
      });
      await ring.ensureKeys();
      const key = ring.current();
      expect(key.alg).toBe(alg);
      const token = await new SignJWT({ sub: 'u1' })
        .setProtectedHeader({ alg, kid: key.kid, typ: 'at+jwt' })
        .sign(key.privateKey);
      const jwks = createLocalJWKSet(ring.jwks() as unknown as JSONWebKeySet);
      const { payload } = await jwtVerify(token, jwks, { algorithms: [alg] });
      expect(payload.sub).toBe('u1');
      await db.close();
    },
  );

  it('never publishes an HS256 key', async () => {
    const db = await openMemoryDatabase();
    await db.migrate();
    const ring = new Keyring({
      repository: new SigningKeyRepository(db.db, new SecretBox(master, 'signing-keys')),
      algorithm: 'HS256',
      graceSeconds: 60,
      nextKeyMinAgeSeconds: 0,
    });
    await ring.ensureKeys();
    expect(ring.current().alg).toBe('HS256');
    expect(ring.jwks().keys).toEqual([]);
    await db.close();
  });

  it('warns when the configured algorithm differs from the current key and prepares a next key of the new kind', async () => {
    const ring = keyring('ES256');
    const notices = await ring.ensureKeys();
    expect(notices.some((notice) => notice.level === 'warn' && /rotate/.test(notice.message))).toBe(true);
    clock.advance(NEXT_KEY_MIN_AGE_SECONDS * 1000); // the ES256 next key is brand new
    expect(await ring.rotate()).toMatchObject({ ok: true });
    expect(ring.current().alg).toBe('ES256');
  });
});
