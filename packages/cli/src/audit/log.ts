import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatehousePaths } from '../secure-files/paths.js';
import { ensurePrivateDir, readPrivateFile, writeFileAtomic } from '../secure-files/private-fs.js';

/**
 * The local audit log: security events of this machine's `gatehouse` CLI (vault unlocks,
 * locks, codes shown, changes; sign-ins later), one JSON object per line, in
 * $XDG_STATE_HOME/gatehouse/audit.log (or $GATEHOUSE_HOME/audit.log), mode 0600.
 *
 * Append-only: lines are added with O_APPEND (one write each, so concurrent commands do not
 * interleave) and never edited; entries older than 90 days are dropped when the oldest one
 * is found past that age. It records what happened, never a secret, code, passphrase or
 * token: callers pass names, counts and reasons only.
 */

export const AUDIT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

/** A security event: `event` is a dotted name ('vault.unlock'); the rest are plain details. */
export interface AuditEvent {
  event: string;
  [detail: string]: string | number | boolean;
}

/** An event as stored, with its ISO time. */
export interface AuditRecord extends AuditEvent {
  time: string;
}

/** Details that must never reach the log, whatever a caller passes. */
const FORBIDDEN_DETAILS = /secret|passphrase|password|token|^code$|^otp$|^key$/i;

export function auditLogPath(paths: GatehousePaths): string {
  return join(paths.stateDir, 'audit.log');
}

/** Appends `event` at time `now`. */
export async function appendAuditEvent(
  paths: GatehousePaths,
  event: AuditEvent,
  now: number = Date.now(),
): Promise<void> {
  const forbidden = Object.keys(event).find((name) => FORBIDDEN_DETAILS.test(name));
  if (forbidden) throw new Error(`Audit events may not carry a "${forbidden}" detail`);
  const file = auditLogPath(paths);
  await ensurePrivateDir(paths.stateDir);
  await pruneIfDue(file, now);
  const line = `${JSON.stringify({ time: new Date(now).toISOString(), ...event })}\n`;
  const handle = await open(file, 'a', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.write(line);
  } finally {
    await handle.close();
  }
}

/** The events at or after `since` (epoch ms), oldest first; unreadable lines are skipped. */
export async function readAuditEvents(paths: GatehousePaths, since = 0): Promise<AuditRecord[]> {
  const data = await readPrivateFile(auditLogPath(paths));
  if (!data) return [];
  return parseLines(data.toString('utf8'))
    .filter(({ at }) => at >= since)
    .map(({ record }) => record);
}

/**
 * Lines are in time order, so the first one tells whether anything is past retention:
 * reading a few kilobytes per event keeps appends cheap, and the rewrite (atomic, so
 * a crash cannot lose the log) happens about once a day at most.
 */
async function pruneIfDue(file: string, now: number): Promise<void> {
  const cutoff = now - AUDIT_RETENTION_MS;
  const first = await readHead(file);
  const oldest = first === undefined ? undefined : parseLines(first)[0];
  if (first === undefined || (oldest && oldest.at >= cutoff)) return;
  const data = await readPrivateFile(file);
  if (!data) return;
  const kept = parseLines(data.toString('utf8')).filter(({ at }) => at >= cutoff);
  await writeFileAtomic(file, Buffer.from(kept.map(({ line }) => `${line}\n`).join('')));
}

/** The first line of the file (undefined when there is no file or it is empty). */
async function readHead(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    if (bytesRead === 0) return undefined;
    return buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0];
  } finally {
    await handle.close();
  }
}

function parseLines(text: string): { line: string; at: number; record: AuditRecord }[] {
  const parsed = [];
  for (const line of text.split('\n')) {
    try {
      const record = JSON.parse(line) as AuditRecord;
      const at = Date.parse(record.time);
      if (typeof record.event === 'string' && Number.isFinite(at)) parsed.push({ line, at, record });
    } catch {
      // a torn or foreign line: not an event
    }
  }
  return parsed;
}
