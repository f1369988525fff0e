import { CliFailure, usageFailure } from '../secure-files/errors.js';
import { canPrompt, promptHidden } from '../secure-files/prompt.js';
import { readFirstLine } from '../secure-files/stdin-line.js';
import type { RemoteContext } from './context.js';
import { promptLine } from './prompt-line.js';

/** The email: --email, else asked on the terminal. */
export async function askEmail(context: RemoteContext, given: string | undefined): Promise<string> {
  const email = given ?? (canPrompt(context) ? await promptLine('Email: ', context) : undefined);
  if (email === undefined) throw usageFailure('no terminal to ask for the email: pass --email');
  if (!email) throw usageFailure('the email is empty');
  return email;
}

/**
 * The password: the first line of stdin with --password-stdin (only the line ending is
 * removed), else a prompt without echo. It must become a JSON string for the request, so
 * unlike the vault's secrets it is not kept in a Buffer that could be wiped.
 */
export async function askPassword(context: RemoteContext, fromStdin: boolean): Promise<string> {
  if (!fromStdin && !canPrompt(context)) {
    throw usageFailure('no terminal to ask for the password: pipe it in with --password-stdin');
  }
  const bytes = fromStdin
    ? await readFirstLine(context.stdin, 'the password')
    : await promptHidden('Password: ', context);
  try {
    if (bytes.length === 0) throw new CliFailure('the password is empty');
    return bytes.toString('utf8');
  } finally {
    bytes.fill(0);
  }
}
