import type { Output } from '../output.js';
import { runReported } from '../secure-files/errors.js';
import { IDLE_MS, peekSession } from '../remote/active-session.js';
import { helpOnly } from '../remote/command-line.js';
import { remoteContext } from '../remote/context.js';

const USAGE = `Usage: gatehouse status

Shows the stored sign-in: the server, the account, the session id and when it ends if
unused (15 idle minutes after the last command). It reads the local files only and does
not extend the session, so it cannot know about a revocation on the server: gatehouse
whoami asks the server. Exit code 1 when not signed in (or the session has ended).`;

/** `gatehouse status`: local only, read only. */
export async function statusCommand(argv: string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  return runReported('status', out, argv.includes('--debug'), async () => {
    if (helpOnly(argv, USAGE, out)) return 0;
    const context = remoteContext(env, out);
    const { header, tokens } = await peekSession(context);
    const now = context.now();
    const idleEnd = header.lastUsed + IDLE_MS;
    const access = tokens.accessExpiresAt > now ? `valid until ${iso(tokens.accessExpiresAt)}` : 'expired';
    out.info(`Signed in to ${header.server} as ${header.email}`);
    out.info(`  session        ${header.sessionId} (since ${iso(header.signedInAt)})`);
    out.info(`  idle timeout   ${iso(idleEnd)} (${minutesLeft(idleEnd - now)}; each command extends it)`);
    out.info(`  access token   ${access} (refreshed when needed)`);
    return 0;
  });
}

const iso = (time: number) => new Date(time).toISOString();

function minutesLeft(ms: number): string {
  const minutes = Math.max(0, Math.ceil(ms / 60_000));
  return minutes === 1 ? 'in 1 minute' : `in ${minutes} minutes`;
}
