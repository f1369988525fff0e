import { parseArgs } from 'node:util';
import type { Output } from '../output.js';
import { argumentsFailure, runReported, usageFailure } from '../secure-files/errors.js';
import { remoteContext } from '../remote/context.js';
import { signIn } from '../remote/login-flow.js';
import { DEFAULT_SERVER, defaultServer, parseServerUrl } from '../remote/server-url.js';

const USAGE = `Usage: gatehouse login [--server <url>] [--email <email>] [--password-stdin] [--totp <name>]

Signs in to a Gatehouse server and keeps the session on this machine, encrypted, for the
other commands (status, whoami, sessions, logout). Like the authenticator vault, it ends
after 15 idle minutes; each command extends it. See docs/cli-login.md.

Options:
  --server <url>     The server. Default: where gatehouse serve with this environment
                     listens: GATEHOUSE_PUBLIC_URL if set, else http://localhost:$PORT,
                     else ${DEFAULT_SERVER}
  --email <email>    The account (asked for on a terminal otherwise)
  --password-stdin   Read the password from the first line of stdin (otherwise a prompt
                     without echo; never pass it as an argument)
  --totp <name>      If the account asks for a second factor, answer with the current code
                     of this authenticator vault entry (gatehouse totp add) instead of a prompt
  --insecure-http    Allow http:// to a server that is not on this machine (the password and
                     tokens would travel in clear); loopback addresses never need it
  -h, --help         Show this help

Examples:
  gatehouse login --server https://auth.example.com --email ada@example.com
  pass show gatehouse | gatehouse login --email ada@example.com --password-stdin --totp gatehouse`;

const OPTIONS = {
  server: { type: 'string' },
  email: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  totp: { type: 'string' },
  'insecure-http': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} as const;

/** `gatehouse login`. */
export async function loginCommand(argv: string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  return runReported('login', out, argv.includes('--debug'), async () => {
    const { values, positionals } = parse(argv);
    if (values.help) {
      out.info(USAGE);
      return 0;
    }
    if (positionals.length > 0)
      throw usageFailure(`unexpected argument ${positionals[0]}; see gatehouse login --help`);
    const server = chooseServer(values.server, values['insecure-http'] === true, env, out);
    return signIn(remoteContext(env, out), {
      server,
      email: values.email,
      passwordStdin: values['password-stdin'] === true,
      totp: values.totp,
    });
  });
}

/**
 * --server, or the default for this environment; a default is announced (before any prompt)
 * so that a sign-in to the wrong port is plain at once, not after typing the password.
 */
function chooseServer(
  option: string | undefined,
  insecureHttp: boolean,
  env: NodeJS.ProcessEnv,
  out: Output,
) {
  if (option !== undefined) return parseServerUrl(option, { insecureHttp });
  const { url, from } = defaultServer(env);
  const server = parseServerUrl(url, { insecureHttp, ...(from ? { from } : {}) });
  const why = from ? `from ${from}` : 'the default';
  out.error(`Signing in to ${server} (${why}; --server <url> for another).`);
  return server;
}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw argumentsFailure(error, 'gatehouse login --help');
  }
}
