import { parseArgs } from 'node:util';
import type { Output } from '../output.js';
import { cliClock } from '../secure-files/clock.js';
import { argumentsFailure, runReported, usageFailure } from '../secure-files/errors.js';
import { resolvePaths } from '../secure-files/paths.js';
import { auditLogPath, readAuditEvents, type AuditRecord } from './log.js';

const USAGE = `Usage: gatehouse audit [--since <time>] [--json]

Shows the local audit log: security events of this machine's gatehouse CLI (vault
unlocked, locked, changed, codes shown by name, failed passphrases; server sign-ins,
failed sign-ins, logouts, sessions revoked or expired). It never holds
secrets or codes; entries older than 90 days are dropped.

Options:
  --since <time>  Only events since then: an ISO time (2025-06-01, 2025-06-01T12:00Z)
                  or an age (30m, 12h, 7d)
  --json          One JSON object per line, as stored
  -h, --help      Show this help

The log is $XDG_STATE_HOME/gatehouse/audit.log (default ~/.local/state/gatehouse/audit.log),
or $GATEHOUSE_HOME/audit.log.`;

const AGE_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `gatehouse audit`: prints the audit log, oldest first, to stdout. */
export async function auditCommand(argv: string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  return runReported('audit', out, argv.includes('--debug'), async () => {
    const { values, positionals } = parse(argv);
    if (values.help) {
      out.info(USAGE);
      return 0;
    }
    if (positionals.length > 0)
      throw usageFailure(`unexpected argument ${positionals[0]}; see gatehouse audit --help`);
    const paths = resolvePaths(env);
    const since = values.since === undefined ? 0 : parseSince(values.since, cliClock()());
    const records = await readAuditEvents(paths, since);
    for (const record of records) out.info(values.json ? JSON.stringify(record) : formatRecord(record));
    if (records.length === 0)
      out.error(`No events${values.since ? ' in that period' : ''} (${auditLogPath(paths)}).`);
    return 0;
  });
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        since: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        debug: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw argumentsFailure(error, 'gatehouse audit --help');
  }
}

/** `7d`, `12h`, `30m` back from now, or an ISO time. */
export function parseSince(value: string, now: number): number {
  const age = /^(\d+)([mhd])$/.exec(value);
  if (age) return now - Number(age[1]) * (AGE_UNITS[age[2] ?? 'd'] ?? 0);
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isFinite(at)) return at;
  throw usageFailure(`--since ${value}: expected an ISO time (2025-06-01T12:00Z) or an age (30m, 12h, 7d).`);
}

function formatRecord({ time, event, ...details }: AuditRecord): string {
  const rest = Object.entries(details).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return [time, event, ...rest].join('  ');
}
