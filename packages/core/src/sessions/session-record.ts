import type { PublicUser } from '../kernel/public-user.js';
import { stateKeys } from '../state/index.js';
import type { AuthMethod } from '../tokens/claims.js';
import { absoluteExpiry } from './lifetimes.js';
import type { Session, SessionsConfig } from './types.js';

/**
 * The stored session: `<head>\n<body>` at `stateKeys.user(tenant, userId, 'session', id)`,
 * recorded in the user's index `stateKeys.user(tenant, userId, 'sessions')`.
 *
 * head (rewritten by every rotation, space-separated):
 *   `<currentRefreshHash> <previousRefreshHash|-> <rotatedAtMs|0> <rotatorFingerprint|-> <lastSeenAtMs> <ancestors|->`
 * where ancestors are the first 16 characters of the hashes of the last 20 rotated-away
 * refresh secrets, newest first (the store appends them: `compareAndSwapHead`'s history).
 * body (written once): JSON `{ v: 1, userId, tenant, createdAt, authTime, amr, ip, userAgent,
 * deviceIpHash, deviceUaHash, rv, pv, av, roles }`.
 */
export const ANCESTOR_LENGTH = 16;
export const MAX_ANCESTORS = 20;

export interface SessionHead {
  current: string;
  previous: string | null;
  rotatedAt: number;
  rotatorFingerprint: string | null;
  lastSeenAt: number;
  ancestors: string[];
}

export interface SessionBody {
  v: 1;
  userId: string;
  tenant: string;
  createdAt: number;
  authTime: number;
  amr: AuthMethod[];
  ip: string;
  userAgent: string;
  deviceIpHash: string;
  deviceUaHash: string;
  rv: number;
  pv: number;
  av: number;
  roles: string[];
  user?: PublicUser;
}

export interface SessionRecord {
  head: SessionHead;
  body: SessionBody;
}

export const sessionKey = (tenant: string, userId: string, sessionId: string): string =>
  stateKeys.user(tenant, userId, 'session', sessionId);

export const sessionIndex = (tenant: string, userId: string): string =>
  stateKeys.user(tenant, userId, 'sessions');

/** The head without its ancestors field: what a rotation passes as `nextHead`. */
export function formatHead(head: Omit<SessionHead, 'ancestors'>): string {
  return [
    head.current,
    head.previous ?? '-',
    head.rotatedAt,
    head.rotatorFingerprint ?? '-',
    head.lastSeenAt,
  ].join(' ');
}

export function formatRecord(record: SessionRecord): string {
  const ancestors = record.head.ancestors.length > 0 ? record.head.ancestors.join(',') : '-';
  return `${formatHead(record.head)} ${ancestors}\n${JSON.stringify(record.body)}`;
}

/** Null for a value that is not a session record (never throws). */
export function parseRecord(value: string): SessionRecord | null {
  const newline = value.indexOf('\n');
  if (newline === -1) return null;
  const head = parseHead(value.slice(0, newline));
  const body = parseBody(value.slice(newline + 1));
  return head && body ? { head, body } : null;
}

function parseHead(text: string): SessionHead | null {
  const fields = text.split(' ');
  if (fields.length !== 6) return null;
  const [current = '', previous = '', rotatedAt = '', fingerprint = '', lastSeenAt = '', ancestors = ''] =
    fields;
  const times = [Number(rotatedAt), Number(lastSeenAt)] as const;
  if (current.length === 0 || !times.every(Number.isSafeInteger)) return null;
  return {
    current,
    previous: previous === '-' ? null : previous,
    rotatedAt: times[0],
    rotatorFingerprint: fingerprint === '-' ? null : fingerprint,
    lastSeenAt: times[1],
    ancestors: ancestors === '-' ? [] : ancestors.split(',').filter(Boolean),
  };
}

function parseBody(text: string): SessionBody | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const strings = ['userId', 'tenant', 'ip', 'userAgent', 'deviceIpHash', 'deviceUaHash'];
  const numbers = ['createdAt', 'authTime', 'rv', 'pv', 'av'];
  if (b.v !== 1 || !Array.isArray(b.amr) || !Array.isArray(b.roles)) return null;
  if (!strings.every((name) => typeof b[name] === 'string')) return null;
  if (!numbers.every((name) => Number.isSafeInteger(b[name]))) return null;
  return body as SessionBody;
}

export function toSession(sessionId: string, record: SessionRecord, config: SessionsConfig): Session {
  const { body, head } = record;
  return {
    id: sessionId,
    tenant: body.tenant,
    userId: body.userId,
    createdAt: body.createdAt,
    authTime: body.authTime,
    amr: [...body.amr],
    ip: body.ip,
    userAgent: body.userAgent,
    lastSeenAt: head.lastSeenAt,
    absoluteExpiresAt: absoluteExpiry(body.createdAt, config),
    versions: { rv: body.rv, pv: body.pv, av: body.av },
    roles: [...body.roles],
    ...(body.user ? { user: body.user } : {}),
  };
}
