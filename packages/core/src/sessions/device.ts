import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestContext } from '../kernel/request-context.js';
import type { SessionBody } from './session-record.js';
import type { SessionDeps } from './types.js';

/**
 * Device fingerprints: hashes of the client IP and user agent (API.md: "device fingerprint
 * (IP + user agent)"). Hashes keep the head short and comparisons constant-size; they are
 * not secrets, but audit events still carry only booleans, never the hashes.
 */
const hash = (label: string, value: string): string =>
  createHash('sha256').update(`${label}\0${value}`).digest('base64url').slice(0, 22);

export const ipHash = (ctx: Pick<RequestContext, 'ip'>): string => hash('ip', ctx.ip);
export const userAgentHash = (ctx: Pick<RequestContext, 'userAgent'>): string => hash('ua', ctx.userAgent);

/** The fingerprint a rotation records for its winner: IP and user agent together. */
export const deviceFingerprint = (ctx: Pick<RequestContext, 'ip' | 'userAgent'>): string =>
  hash('device', `${ctx.ip}\n${ctx.userAgent}`);

/** Constant-time equality of two hashes (unequal lengths are simply unequal). */
export function sameHash(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Device binding (config `sessions.deviceBinding`) against the device that signed in:
 * 'off' → 'ok'; 'detect' → audits `session.device_mismatch` and answers 'ok';
 * 'enforce' → audits and answers 'mismatch'. Without a context there is nothing to compare.
 */
export function checkDevice(
  deps: Pick<SessionDeps, 'config' | 'audit'>,
  sessionId: string,
  body: SessionBody,
  ctx: RequestContext | undefined,
  during: 'refresh' | 'validate',
): 'ok' | 'mismatch' {
  const mode = deps.config.sessions.deviceBinding;
  if (mode === 'off' || ctx === undefined) return 'ok';
  const ipChanged = !sameHash(body.deviceIpHash, ipHash(ctx));
  const userAgentChanged = !sameHash(body.deviceUaHash, userAgentHash(ctx));
  if (!ipChanged && !userAgentChanged) return 'ok';
  deps.audit.emit({
    type: 'session.device_mismatch',
    tenant: body.tenant,
    userId: body.userId,
    sessionId,
    requestId: ctx.requestId,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    reason: mode === 'enforce' ? 'device_mismatch' : undefined,
    data: { during, ipChanged, userAgentChanged, enforced: mode === 'enforce' },
  });
  return mode === 'enforce' ? 'mismatch' : 'ok';
}
