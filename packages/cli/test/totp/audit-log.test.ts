import { readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseSince } from '../../src/audit/command.js';
import { AUDIT_RETENTION_MS, appendAuditEvent, auditLogPath, readAuditEvents } from '../../src/audit/log.js';
import { tempPaths } from './helpers/temp.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const DAY = 86_400_000;

describe('audit log', () => {
  it('appends JSON lines with the time, in a 0600 file', async () => {
    const { paths } = await tempPaths();
    await appendAuditEvent(paths, { event: 'vault.unlock', source: 'prompt' }, T0);
    await appendAuditEvent(paths, { event: 'vault.code_shown', name: 'github' }, T0 + 1000);
    const lines = (await readFile(auditLogPath(paths), 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { time: '2030-01-01T00:00:00.000Z', event: 'vault.unlock', source: 'prompt' },
      { time: '2030-01-01T00:00:01.000Z', event: 'vault.code_shown', name: 'github' },
    ]);
    expect((await stat(auditLogPath(paths))).mode & 0o777).toBe(0o600);
    expect((await stat(paths.stateDir)).mode & 0o777).toBe(0o700);
  });

  it('refuses details that look like secrets', async () => {
    const { paths } = await tempPaths();
    for (const detail of ['secret', 'code', 'passphrase', 'refreshToken', 'password']) {
      await expect(appendAuditEvent(paths, { event: 'x', [detail]: 'v' }, T0)).rejects.toThrow(
        /may not carry/,
      );
    }
  });

  it('drops entries older than 90 days', async () => {
    const { paths } = await tempPaths();
    await appendAuditEvent(paths, { event: 'old' }, T0);
    await appendAuditEvent(paths, { event: 'middle' }, T0 + 50 * DAY);
    await appendAuditEvent(paths, { event: 'new' }, T0 + 91 * DAY);
    expect((await readAuditEvents(paths)).map((record) => record.event)).toEqual(['middle', 'new']);
    expect(AUDIT_RETENTION_MS).toBe(90 * DAY);
  });

  it('filters by time and skips torn lines', async () => {
    const { paths } = await tempPaths();
    await appendAuditEvent(paths, { event: 'a' }, T0);
    await writeFile(auditLogPath(paths), '{"time":"2030-01-0', { flag: 'a' });
    await writeFile(auditLogPath(paths), '\n', { flag: 'a' });
    await appendAuditEvent(paths, { event: 'b' }, T0 + DAY);
    expect((await readAuditEvents(paths)).map((record) => record.event)).toEqual(['a', 'b']);
    expect((await readAuditEvents(paths, T0 + 1)).map((record) => record.event)).toEqual(['b']);
  });
});

describe('parseSince', () => {
  it('reads ages and ISO times', () => {
    expect(parseSince('7d', T0)).toBe(T0 - 7 * DAY);
    expect(parseSince('12h', T0)).toBe(T0 - 12 * 3_600_000);
    expect(parseSince('30m', T0)).toBe(T0 - 30 * 60_000);
    expect(parseSince('2029-12-31T12:00:00Z', T0)).toBe(T0 - DAY / 2);
    expect(parseSince('2029-12-31', T0)).toBe(T0 - DAY);
  });

  it.each(['yesterday', '7w', '-1d', '12', ''])('refuses %j', (value) => {
    expect(() => parseSince(value, T0)).toThrow(/expected an ISO time/);
  });
});
