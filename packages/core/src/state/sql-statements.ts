/**
 * The SQL StateStore's statements (PostgreSQL and PGlite alike). Each operation is one
 * statement, so it is atomic under autocommit without explicit transactions; key + index
 * writes use data-modifying CTEs. Every parameter is cast: PostgreSQL cannot infer types
 * for parameters that only appear in CTEs and SELECT lists.
 *
 * "Now" is always a parameter ($now from the injected clock), never SQL's now(), so tests
 * freeze time and every instance agrees with its own clock.
 */

/** $1 key, $2 now */
export const GET = `SELECT value FROM state_entries WHERE key = $1::text AND expires_at > $2::bigint`;

/**
 * $1 key, $2 value, $3 expires_at, $4 now, $5 ifAbsent. A row comes back only when the
 * write happened: with ifAbsent, an existing live row makes the DO UPDATE's WHERE false.
 * Concurrent writers of one key serialise on the row (ON CONFLICT re-checks the latest version).
 */
const UPSERT = `INSERT INTO state_entries (key, value, expires_at) VALUES ($1::text, $2::text, $3::bigint)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
  WHERE NOT $5::boolean OR state_entries.expires_at <= $4::bigint
  RETURNING key`;

/** Records the rows of CTE `source` in index $6 with expiry `expiry` (the member's expiry at write time). */
const record = (source: string, expiry: string) => `recorded AS (
  INSERT INTO state_index (index_key, member, expires_at) SELECT $6::text, key, ${expiry} FROM ${source}
  ON CONFLICT (index_key, member) DO UPDATE SET expires_at = excluded.expires_at)`;

export const SET = `WITH written AS (${UPSERT}) SELECT count(*)::int AS n FROM written`;
export const SET_INDEXED = `WITH written AS (${UPSERT}), ${record('written', '$3::bigint')}
  SELECT count(*)::int AS n FROM written`;

/** $3 index */
const unrecord = `, unrecorded AS (DELETE FROM state_index WHERE index_key = $3::text AND member = $1::text)`;

/** $1 key, $2 now [, $3 index]. Expired rows go too (they are garbage); only a live one counts. */
const del = (
  indexed: boolean,
) => `WITH gone AS (DELETE FROM state_entries WHERE key = $1::text RETURNING expires_at)
  ${indexed ? unrecord : ''} SELECT count(*)::int AS n FROM gone WHERE expires_at > $2::bigint`;
export const DELETE = del(false);
export const DELETE_INDEXED = del(true);

/** $1 key, $2 now [, $3 index]. Concurrent takers block on the row lock; the losers then find it deleted. */
const take = (
  indexed: boolean,
) => `WITH gone AS (DELETE FROM state_entries WHERE key = $1::text RETURNING value, expires_at)
  ${indexed ? unrecord : ''} SELECT value FROM gone WHERE expires_at > $2::bigint`;
export const TAKE = take(false);
export const TAKE_INDEXED = take(true);

/**
 * $1 key, $2 expected, $3 next, $4 expires_at, $5 now [, $6 index]. A concurrent loser
 * waits on the winner's row lock, re-checks `value = $2` against the new version and fails.
 */
const SWAP = `UPDATE state_entries SET value = $3::text, expires_at = $4::bigint
  WHERE key = $1::text AND value = $2::text AND expires_at > $5::bigint RETURNING key`;
export const COMPARE_AND_SWAP = `WITH swapped AS (${SWAP}) SELECT count(*)::int AS n FROM swapped`;
export const COMPARE_AND_SWAP_INDEXED = `WITH swapped AS (${SWAP}), ${record('swapped', '$4::bigint')}
  SELECT count(*)::int AS n FROM swapped`;

/**
 * compareAndSwapHead in one statement. $1 key, $2 head prefix, $3 next head, $4 expires_at,
 * $5 now, $6 index (null: none), $7 history entry (null: none), $8 history max.
 *
 * `cur` locks the row (SELECT … FOR UPDATE). Under READ COMMITTED a concurrent loser waits
 * for the winner's lock and then gets the winner's committed version, so the prefix test
 * below fails and `current` is the winner's value — what a plain UPDATE's snapshot could not
 * give in the same statement. `swapped` joins `cur`, so it runs after the lock is held.
 * The head is the text before the first newline; `chr(10)` avoids escaping issues.
 */
export const COMPARE_AND_SWAP_HEAD = `WITH cur AS (
    SELECT key, value, split_part(value, chr(10), 1) AS head,
      CASE WHEN strpos(value, chr(10)) > 0 THEN substr(value, strpos(value, chr(10))) ELSE '' END AS body
    FROM state_entries WHERE key = $1::text AND expires_at > $5::bigint FOR UPDATE),
  swapped AS (
    UPDATE state_entries e SET expires_at = $4::bigint, value = $3::text
      || CASE WHEN $7::text IS NULL THEN '' ELSE ' ' || array_to_string((ARRAY[$7::text] || array_remove(
        string_to_array(nullif(CASE WHEN strpos(c.head, ' ') > 0 THEN regexp_replace(c.head, '^.* ', '')
          ELSE '' END, '-'), ','), ''))[1:$8::int], ',') END
      || c.body
    FROM cur c WHERE e.key = c.key AND starts_with(c.head, $2::text)
    RETURNING e.key, e.value),
  recorded AS (
    INSERT INTO state_index (index_key, member, expires_at)
      SELECT $6::text, key, $4::bigint FROM swapped WHERE $6::text IS NOT NULL
    ON CONFLICT (index_key, member) DO UPDATE SET expires_at = excluded.expires_at)
  SELECT (SELECT value FROM swapped) AS next, (SELECT value FROM cur) AS current`;

/** $1 key, $2 by, $3 expires_at of a new window, $4 now. A live window keeps its expiry (fixed window). */
export const INCREMENT = `INSERT INTO state_entries (key, value, expires_at) VALUES ($1::text, $2::bigint::text, $3::bigint)
  ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN state_entries.expires_at > $4::bigint
      THEN (state_entries.value::bigint + $2::bigint)::text ELSE excluded.value END,
    expires_at = CASE WHEN state_entries.expires_at > $4::bigint
      THEN state_entries.expires_at ELSE excluded.expires_at END
  RETURNING value, expires_at`;

/** $1 index, $2 now. Liveness is the entry's, so a key rewritten without `index` stays listed while it lives. */
export const INDEX_MEMBERS = `SELECT i.member FROM state_index i JOIN state_entries e ON e.key = i.member
  WHERE i.index_key = $1::text AND e.expires_at > $2::bigint ORDER BY i.member`;

/** $1 index, $2 now */
export const DELETE_INDEXED_KEYS = `WITH unrecorded AS (DELETE FROM state_index WHERE index_key = $1::text RETURNING member),
  gone AS (DELETE FROM state_entries e USING unrecorded u WHERE e.key = u.member RETURNING e.expires_at)
  SELECT count(*)::int AS n FROM gone WHERE expires_at > $2::bigint`;

/** $1 now, $2 batch size. Batched so a large backlog never holds locks for long. */
export const SWEEP_ENTRIES = `WITH expired AS (DELETE FROM state_entries WHERE key IN (
    SELECT key FROM state_entries WHERE expires_at <= $1::bigint LIMIT $2::int) RETURNING 1)
  SELECT count(*)::int AS n FROM expired`;

/**
 * $1 now, $2 batch size. A member past its recorded expiry whose key still lives was
 * rewritten without `index` (longer TTL): it stays.
 */
export const SWEEP_INDEX = `WITH orphaned AS (DELETE FROM state_index WHERE (index_key, member) IN (
    SELECT s.index_key, s.member FROM state_index s WHERE s.expires_at <= $1::bigint
      AND NOT EXISTS (SELECT 1 FROM state_entries e WHERE e.key = s.member AND e.expires_at > $1::bigint)
    LIMIT $2::int) RETURNING 1)
  SELECT count(*)::int AS n FROM orphaned`;

export const PING = 'SELECT 1';
