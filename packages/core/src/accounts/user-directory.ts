import { and, desc, eq, ilike, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { users } from '../database/schema.js';
import type { GatehouseDb } from '../database/types.js';
import { AuthError } from '../errors/auth-error.js';
import { isUuid, type UserRow } from './user-repository.js';

export interface UserListQuery {
  /** `nextCursor` of the previous page; absent for the first page. */
  cursor?: string | undefined;
  /** Page size, 1 to 100 (default 20). */
  limit?: number | undefined;
  /** Case-insensitive substring of the email or the name (taken literally: `%` and `_` are no wildcards). */
  q?: string | undefined;
}

export interface UserPage {
  items: UserRow[];
  /** Opaque; null on the last page. */
  nextCursor: string | null;
}

export const USER_LIST_LIMITS = { min: 1, max: 100, default: 20 } as const;

/** Where a page ended: the last row's creation time (to the microsecond, as stored) and id. */
interface Position {
  at: string;
  id: string;
}

const POSITION = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)~([0-9a-f-]{36})$/;

export const encodeUserCursor = (position: Position): string =>
  Buffer.from(`${position.at}~${position.id}`).toString('base64url');

/** The position a cursor names, or null for anything this module did not make. */
export function decodeUserCursor(cursor: string): Position | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  const match = POSITION.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2] || !isUuid(match[2])) return null;
  // The regex admits 2024-02-31: a date that does not round-trip would make PostgreSQL throw.
  const millis = `${match[1].slice(0, 23)}Z`;
  const parsed = new Date(millis);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString() !== millis) return null;
  return { at: match[1], id: match[2] };
}

/** A search term for LIKE: the caller's text matched literally, anywhere in the value. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Deleted accounts are gone for admins too: their email stays taken, nothing else shows. */
export const isDeletedUser = (user: UserRow): boolean => user.status === 'deleted' || user.deletedAt !== null;

/**
 * The admin listing of one tenant's accounts, newest first, paged by keyset over
 * (created_at desc, id desc): stable while accounts are added, and no OFFSET scan.
 */
export class UserDirectory {
  constructor(private readonly db: GatehouseDb) {}

  async list(tenant: string, query: UserListQuery = {}): Promise<UserPage> {
    const limit = query.limit ?? USER_LIST_LIMITS.default;
    if (!Number.isInteger(limit) || limit < USER_LIST_LIMITS.min || limit > USER_LIST_LIMITS.max) {
      throw invalid('limit', `Use a whole number from ${USER_LIST_LIMITS.min} to ${USER_LIST_LIMITS.max}`);
    }
    const position = query.cursor === undefined ? undefined : decodeUserCursor(query.cursor);
    if (position === null) throw invalid('cursor', 'The cursor is malformed');
    // PostgreSQL text cannot hold NUL: refuse it rather than fail in the driver.
    if (query.q?.includes('\u0000')) throw invalid('q', 'The search term contains a NUL character');

    const filters: (SQL | undefined)[] = [
      eq(users.tenantId, tenant),
      ne(users.status, 'deleted'),
      isNull(users.deletedAt),
    ];
    const q = query.q?.trim();
    if (q) filters.push(or(ilike(users.email, likePattern(q)), ilike(users.name, likePattern(q))));
    if (position) {
      filters.push(
        sql`(${users.createdAt}, ${users.id}) < (${position.at}::timestamptz, ${position.id}::uuid)`,
      );
    }
    // One row more than asked tells whether another page exists.
    const rows = await this.db
      .select({ user: users, at: STORED_AT })
      .from(users)
      .where(and(...filters))
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => row.user),
      nextCursor: rows.length > limit && last ? encodeUserCursor({ at: last.at, id: last.user.id }) : null,
    };
  }
}

/** created_at as stored (microseconds; a JS Date keeps milliseconds and would skip rows). */
const STORED_AT = sql<string>`to_char(${users.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const invalid = (path: string, message: string) =>
  new AuthError('validation_error', message, { errors: [{ path, message }] });
