import { parseArgs } from 'node:util';
import type { Output } from '../output.js';
import { CliFailure, argumentsFailure, runReported } from '../secure-files/errors.js';
import { SESSION_IDLE_MS, endSession, sessionFiles } from '../secure-files/session.js';
import { recordEvent, vaultContext } from '../totp/context.js';
import { closeVault, unlockVault } from '../totp/vault-access.js';

const LOCK_USAGE = `Usage: gatehouse lock

Locks the authenticator vault now: the unlocked session ends (its runtime file and session
secret are deleted) and the next command asks for the passphrase again. Sessions also end
by themselves after 15 idle minutes, at logout and at reboot.`;

const UNLOCK_USAGE = `Usage: gatehouse unlock

Asks for the vault passphrase (or reads GATEHOUSE_VAULT_PASSPHRASE) and opens a session:
commands in the next 15 minutes need no passphrase, and each of them extends it. Useful
before piping a secret to \`gatehouse totp add --secret-stdin\`, where stdin is taken.`;

/** `gatehouse lock`: ends the unlocked session at once. */
export async function lockCommand(argv: string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  return runReported('lock', out, argv.includes('--debug'), async () => {
    if (wantsHelp(argv, LOCK_USAGE, out)) return 0;
    const context = vaultContext(env, out);
    const wasOpen = await endSession(sessionFiles(context.paths, 'vault'));
    if (wasOpen) await recordEvent(context, { event: 'vault.lock' });
    out.error(wasOpen ? 'Locked.' : 'Nothing to lock: no session was open.');
    return 0;
  });
}

/** `gatehouse unlock`: opens (or extends) the session without doing anything else. */
export async function unlockCommand(argv: string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  return runReported('unlock', out, argv.includes('--debug'), async () => {
    if (wantsHelp(argv, UNLOCK_USAGE, out)) return 0;
    const context = vaultContext(env, out);
    const vault = await unlockVault(context);
    if (!vault) throw new CliFailure('there is no vault yet: add a secret first (gatehouse totp add <name>)');
    closeVault(vault);
    const until = new Date(context.now() + SESSION_IDLE_MS).toLocaleTimeString();
    out.error(`Unlocked until ${until} (15 minutes, extended by each command); gatehouse lock ends it.`);
    return 0;
  });
}

/** Both commands take no arguments: only --help (and --debug). */
function wantsHelp(argv: string[], usage: string, out: Output): boolean {
  const command = usage.split('\n')[0]?.replace('Usage: ', '') ?? '';
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' } },
    }));
  } catch (error) {
    throw argumentsFailure(error, `${command} --help`);
  }
  if (values.help) out.info(usage);
  return values.help === true;
}
