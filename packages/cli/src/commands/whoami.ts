import type { Output } from '../output.js';
import { CliFailure, runReported } from '../secure-files/errors.js';
import { helpOnly } from '../remote/command-line.js';
import { remoteContext } from '../remote/context.js';
import { SignedIn } from '../remote/signed-in.js';

const USAGE = `Usage: gatehouse whoami

Asks the server who the stored sign-in is (GET /auth/me) and prints one line: the email,
the user id, the roles and the server. Fails, and deletes the local sign-in, when the
server has revoked the session.`;

interface Me {
  user: { id: string; email: string; roles?: string[]; mfaEnabled?: boolean };
}

/** `gatehouse whoami`. */
export async function whoamiCommand(argv: string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  return runReported('whoami', out, argv.includes('--debug'), async () => {
    if (helpOnly(argv, USAGE, out)) return 0;
    const client = await SignedIn.open(remoteContext(env, out));
    const { server } = client.header;
    const { body } = await client.call('GET', '/auth/me');
    const user = (body as Partial<Me> | undefined)?.user;
    if (typeof user?.email !== 'string' || typeof user.id !== 'string')
      throw new CliFailure(`${server} does not look like a Gatehouse server (unexpected answer)`);
    const roles = user.roles?.join(',') ?? '';
    const mfa = user.mfaEnabled ? 'mfa on' : 'mfa off';
    out.info(`${user.email}\t${user.id}\t${roles}\t${mfa}\t${server}`);
    return 0;
  });
}
