import { randomBytes } from 'node:crypto';
import { AuditDispatcher, MemoryAuditSink, type AuditEvent } from '../../src/audit/index.js';
import { createConfig, type GatehouseConfigInput } from '../../src/config/index.js';
import { createRequestContext, type RequestContext } from '../../src/kernel/request-context.js';
import {
  SessionService,
  type AccessTokenVerification,
  type AccessTokenVerifierLike,
  type Session,
} from '../../src/sessions/index.js';
import { countStateStoreCalls, MemoryStateStore, type StateStore } from '../../src/state/index.js';
import type { AccessTokenClaims } from '../../src/tokens/claims.js';
import { ManualClock, type Clock } from '../../src/util/clock.js';

export type SessionSettings = NonNullable<GatehouseConfigInput['sessions']>;

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const DAY = 24 * 60 * MINUTE;

/** A SessionService over a counted store, with captured audit events and a hand-moved clock. */
export function sessionHarness(
  options: { store?: StateStore; clock?: ManualClock; sessions?: SessionSettings; tenant?: string } = {},
) {
  const clock = options.clock ?? new ManualClock();
  const counting = countStateStoreCalls(options.store ?? new MemoryStateStore({ clock }));
  const sink = new MemoryAuditSink();
  const audit = new AuditDispatcher({ sink, clock });
  const config = createConfig({ sessions: options.sessions ?? {} });
  const service = new SessionService({ store: counting.store, config, audit, clock });
  const tenant = options.tenant ?? 'default';
  const userId = () => `u${randomBytes(6).toString('hex')}`;
  const ctx = (overrides: Partial<RequestContext> = {}): RequestContext => ({
    ...createRequestContext({
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
      requestId: `req-${randomBytes(4).toString('hex')}`,
      tenant,
    }),
    ...overrides,
  });
  const create = async (user = userId(), context = ctx()) => {
    const created = await service.createSession({
      ctx: context,
      userId: user,
      authTime: clock.now(),
      amr: ['pwd', 'otp'],
      versions: { rv: 1, pv: 2, av: 3 },
      roles: ['user'],
    });
    if (!created.ok) throw new Error(`createSession refused: ${created.reason}`);
    return { ...created, userId: user };
  };
  const events = async (): Promise<AuditEvent[]> => {
    await audit.flush();
    return sink.events;
  };
  const eventTypes = async () => (await events()).map((event) => event.type);
  return {
    clock,
    counting,
    store: counting.store,
    sink,
    audit,
    config,
    service,
    tenant,
    userId,
    ctx,
    create,
    events,
    eventTypes,
  };
}

export type SessionHarness = ReturnType<typeof sessionHarness>;

/** A second device: another IP and browser. */
export const otherDevice = { ip: '198.51.100.23', userAgent: 'curl/8.9.1' };

/**
 * TEST DOUBLE — NOT the real verifier. It stands in for tokens/access-token-verifier.ts
 * (written in parallel; the lead wires the real one): it "signs" by remembering the claims
 * it issued and checks only `exp`. Validation treats any verifier the same way.
 */
export class FakeAccessTokenVerifier implements AccessTokenVerifierLike {
  private readonly issued = new Map<string, AccessTokenClaims>();
  constructor(private readonly clock: Clock) {}

  /** An access token for the session, as the issuer would mint it (claims overridable). */
  issue(session: Session, overrides: Partial<AccessTokenClaims> = {}): string {
    const iat = Math.floor(this.clock.now() / 1_000);
    const claims: AccessTokenClaims = {
      iss: 'http://localhost:3000',
      aud: 'gatehouse',
      sub: session.userId,
      sid: session.id,
      ...(session.tenant === 'default' ? {} : { tid: session.tenant }),
      iat,
      exp: iat + 15 * 60,
      jti: randomBytes(8).toString('hex'),
      auth_time: Math.floor(session.authTime / 1_000),
      amr: session.amr,
      ...session.versions,
      roles: session.roles,
      perms: '',
      ...overrides,
    };
    const token = `fake.${randomBytes(12).toString('base64url')}`;
    this.issued.set(token, claims);
    return token;
  }

  verify(token: string): AccessTokenVerification {
    const claims = this.issued.get(token);
    if (!claims) return { ok: false, reason: 'bad_signature' };
    if (claims.exp * 1_000 <= this.clock.now()) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }
}
