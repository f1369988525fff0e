import { parseArgs } from 'node:util';
import type { Output } from '../output.js';
import { argumentsFailure, runReported, usageFailure } from '../secure-files/errors.js';
import { remoteContext } from '../remote/context.js';
import { listSessions, revokeOtherSessions, revokeSession } from '../remote/sessions-flow.js';

const USAGE = `Usage: gatehouse sessions [list]
       gatehouse sessions revoke <id>
       gatehouse sessions revoke --others

The sessions of the signed-in account, on every device (GET /sessions).

  list              One line per session, tab-separated: "*" for this one, the id, last
                    seen, created, IP address, sign-in methods, client (user agent)
  revoke <id>       End that session at once (revoking this one signs you out here too)
  revoke --others   End every session but this one (after a lost laptop, say)`;

const OPTIONS = {
  others: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} as const;

/** `gatehouse sessions …`. */
export async function sessionsCommand(argv: string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  return runReported('sessions', out, argv.includes('--debug'), async () => {
    const { values, positionals } = parse(argv);
    if (values.help) {
      out.info(USAGE);
      return 0;
    }
    const [action = 'list', ...args] = positionals;
    const context = () => remoteContext(env, out);
    if (action === 'list' && args.length === 0 && !values.others) return listSessions(context());
    if (action === 'revoke' && values.others && args.length === 0) return revokeOtherSessions(context());
    if (action === 'revoke' && !values.others && args.length === 1)
      return revokeSession(context(), args[0] ?? '');
    throw usageFailure(
      'expected sessions [list], sessions revoke <id> or sessions revoke --others; see gatehouse sessions --help',
    );
  });
}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw argumentsFailure(error, 'gatehouse sessions --help');
  }
}
