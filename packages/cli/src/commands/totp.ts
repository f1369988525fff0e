import { parseArgs } from 'node:util';
import type { Output } from '../output.js';
import { CliFailure, argumentsFailure, runReported, usageFailure } from '../secure-files/errors.js';
import { addEntry } from '../totp/add.js';
import { showCode } from '../totp/code.js';
import { vaultContext } from '../totp/context.js';
import { exportEntries } from '../totp/export.js';
import { importEntries } from '../totp/import.js';
import { listEntries } from '../totp/list.js';
import { removeEntry, renameEntry } from '../totp/manage.js';
import { changePassphrase } from '../totp/passwd.js';

const PASSPHRASE_NOTE = `The vault passphrase is asked for without echo on a terminal, or read from
GATEHOUSE_VAULT_PASSPHRASE (scripts). Once entered, the vault stays unlocked for 15 idle
minutes; \`gatehouse lock\` locks it at once. See docs/cli-authenticator.md.`;

const USAGE = `Usage: gatehouse totp <command> [options]

An authenticator: TOTP/HOTP secrets in an encrypted vault, codes on the command line.

Commands:
  add <name>              Store a secret (prompted for, or from stdin or an option)
  list                    List the entries (never their secrets)
  code <name> [--watch]   Print the current code (HOTP: the next one)
  remove <name>           Delete an entry
  rename <name> <new>     Rename an entry
  export [name] [--qr]    Print otpauth:// URIs or QR codes (they contain the secrets)
  import <file|->         Add entries from otpauth:// URIs or a Google Authenticator export
  passwd                  Change the vault passphrase

Run gatehouse totp <command> --help for the options of one.

${PASSPHRASE_NOTE}`;

const HELP: Record<string, string> = {
  add: `Usage: gatehouse totp add <name> [--uri-stdin | --secret-stdin | --uri <uri> | --secret <base32>] [options]

Stores a secret under <name>. Where the secret comes from:
  (none of these)     On a terminal, a prompt (no echo) for the base32 secret or the otpauth:// URI
  --uri-stdin         The first line of stdin is an otpauth://totp/… or otpauth://hotp/… URI
  --secret-stdin      The first line of stdin is the base32 secret
  --uri <uri>         The URI as an argument
  --secret <base32>   The secret as an argument
Prefer the prompt or the -stdin forms: an argument stays in your shell history and is
visible to other users of the machine in \`ps\` while the command runs.

With a secret (a URI carries these itself):
  --issuer <name>           Who issued it (shown in list and in exported URIs)
  --account <name>          The account it is for
  --algorithm SHA1|SHA256|SHA512   HMAC algorithm (default SHA1)
  --digits 6|7|8            Code length (default 6)
  --period <seconds>        TOTP time step (default 30)
  --hotp                    Counter-based (HOTP) instead of time-based
  --counter <n>             HOTP: the counter of the next code (default 0)

The first add creates the vault and asks for a new passphrase twice.

Examples:
  gatehouse totp add github                       # prompts for the secret
  pbpaste | gatehouse totp add github --uri-stdin

${PASSPHRASE_NOTE}`,
  list: `Usage: gatehouse totp list

One line per entry, tab-separated: name, type (totp/hotp), issuer, account, parameters.`,
  code: `Usage: gatehouse totp code <name> [--watch]

Prints the current code. Piped or redirected, stdout gets the code alone; on a terminal
the seconds it stays valid follow. For an HOTP entry this uses the next counter value and
saves the incremented counter.

  --watch   On a terminal: keep showing the code with a countdown bar until Ctrl-C (TOTP)`,
  remove: 'Usage: gatehouse totp remove <name>\n\nDeletes the entry and its secret from the vault.',
  rename: 'Usage: gatehouse totp rename <name> <new-name>',
  export: `Usage: gatehouse totp export [name] [--qr]

Prints every entry (or the one named) as an otpauth:// URI, one per line, for
\`gatehouse totp import\` or an authenticator app. The URIs contain the secrets.

  --qr   Draw each as a QR code in the terminal instead, to scan with a phone`,
  import: `Usage: gatehouse totp import <file|->

Adds the entries of a file (- for stdin): otpauth:// URIs one per line, and Google
Authenticator exports (otpauth-migration://offline?data=…, one line per QR code; decode
the QR codes with any QR reader). Blank lines and lines starting with # are skipped.
Entries are named "Issuer:account"; names already in the vault are skipped. One bad line
fails the whole import and the vault is left unchanged.`,
  passwd: `Usage: gatehouse totp passwd

Asks for the current passphrase (even when unlocked), then the new one twice, and
re-encrypts the vault. Scripts: GATEHOUSE_VAULT_PASSPHRASE (current) and
GATEHOUSE_VAULT_NEW_PASSPHRASE (new).`,
};

const OPTIONS = {
  uri: { type: 'string' },
  'uri-stdin': { type: 'boolean' },
  secret: { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  issuer: { type: 'string' },
  account: { type: 'string' },
  digits: { type: 'string' },
  period: { type: 'string' },
  algorithm: { type: 'string' },
  hotp: { type: 'boolean' },
  counter: { type: 'string' },
  watch: { type: 'boolean' },
  qr: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** Which options each command takes, and how many arguments (min, max). */
const COMMANDS: Record<string, { options: OptionName[]; args: [number, number] }> = {
  add: {
    options: [
      'uri',
      'uri-stdin',
      'secret',
      'secret-stdin',
      'issuer',
      'account',
      'digits',
      'period',
      'algorithm',
      'hotp',
      'counter',
    ],
    args: [1, 1],
  },
  list: { options: [], args: [0, 0] },
  code: { options: ['watch'], args: [1, 1] },
  remove: { options: [], args: [1, 1] },
  rename: { options: [], args: [2, 2] },
  export: { options: ['qr'], args: [0, 1] },
  import: { options: [], args: [1, 1] },
  passwd: { options: [], args: [0, 0] },
};

/** `gatehouse totp …`: parses its own options (main's are for the server commands). */
export async function totpCommand(argv: string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  const parsed = parse(argv);
  const label =
    parsed instanceof CliFailure || !parsed.positionals[0] ? 'totp' : `totp ${parsed.positionals[0]}`;
  return runReported(label, out, argv.includes('--debug'), async () => {
    if (parsed instanceof CliFailure) throw parsed;
    const { values, positionals } = parsed;
    const [command = '', ...args] = positionals;
    const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!spec || values.help) return help(out, command, values.help === true);
    checkUsage(command, spec, values, args);
    return run(command, args, values, env, out);
  });
}

function run(
  command: string,
  args: string[],
  values: Parsed['values'],
  env: NodeJS.ProcessEnv,
  out: Output,
): Promise<number> {
  const context = vaultContext(env, out);
  const [first = '', second = ''] = args;
  switch (command) {
    case 'add':
      return addEntry(context, first, values);
    case 'list':
      return listEntries(context);
    case 'code':
      return showCode(context, first, { watch: values.watch });
    case 'remove':
      return removeEntry(context, first);
    case 'rename':
      return renameEntry(context, first, second);
    case 'export':
      return exportEntries(context, args[0], { qr: values.qr });
    case 'import':
      return importEntries(context, first);
    default:
      return changePassphrase(context);
  }
}

/** The parsed command line, or the usage error to report. */
function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    return argumentsFailure(error, 'gatehouse totp --help');
  }
}

type Parsed = Exclude<ReturnType<typeof parse>, CliFailure>;

function checkUsage(
  command: string,
  spec: { options: OptionName[]; args: [number, number] },
  values: Partial<Record<OptionName, unknown>>,
  args: string[],
): void {
  const stray = Object.keys(values).find(
    (name) => name !== 'debug' && name !== 'help' && !spec.options.includes(name as OptionName),
  );
  if (stray) throw usageFailure(`--${stray} does not apply here; see gatehouse totp ${command} --help`);
  const [min, max] = spec.args;
  if (args.length < min || args.length > max) {
    const first = (HELP[command] ?? '').split('\n')[0] ?? '';
    throw usageFailure(`${args.length < min ? 'missing' : 'too many'} arguments. ${first}`);
  }
}

function help(out: Output, command: string, asked: boolean): number {
  const text = Object.hasOwn(HELP, command) ? HELP[command] : undefined;
  if (asked) {
    out.info(text ?? USAGE);
    return 0;
  }
  if (command) out.error(`gatehouse totp: unknown command "${command}"\n`);
  out.error(USAGE);
  return 2;
}
