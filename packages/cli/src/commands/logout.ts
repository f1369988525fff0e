import type { Output } from '../output.js';
import { runReported } from '../secure-files/errors.js';
import { helpOnly } from '../remote/command-line.js';
import { remoteContext } from '../remote/context.js';
import { signOut } from '../remote/logout-flow.js';

const USAGE = `Usage: gatehouse logout

Ends the session on the server (its refresh token stops working at once) and deletes the
local sign-in: the encrypted session file and its key. If the server cannot be reached,
the local files are deleted anyway and the command fails, saying so: revoke the session
from another device then (gatehouse sessions revoke <id>).`;

/** `gatehouse logout`. */
export async function logoutCommand(argv: string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  return runReported('logout', out, argv.includes('--debug'), async () => {
    if (helpOnly(argv, USAGE, out)) return 0;
    return signOut(remoteContext(env, out));
  });
}
