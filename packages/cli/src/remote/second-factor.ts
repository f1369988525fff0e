import { CliFailure } from '../secure-files/errors.js';
import { canPrompt } from '../secure-files/prompt.js';
import type { RemoteContext } from './context.js';
import { ServerProblem, callServer } from './http.js';
import { promptLine } from './prompt-line.js';
import { parseTokenPair, type MfaChallenge, type TokenPair } from './token-pair.js';
import { totpCodeFromVault } from './vault-code.js';

/** Wrong codes typed at the prompt before giving up (the server kills a challenge after 5). */
const PROMPT_ATTEMPTS = 3;
/** Methods a person can type a code for; passkeys need a browser. */
const TYPED_METHODS = ['totp', 'sms', 'backup_code'];

export interface SecondFactor {
  pair: TokenPair;
  method: string;
}

/**
 * Finishes a sign-in that answered `{ mfaRequired, challengeId, methods }`: with the code of
 * vault entry `vaultEntry` (`--totp`), else with a code typed at the terminal.
 */
export async function completeChallenge(
  context: RemoteContext,
  server: string,
  challenge: MfaChallenge,
  vaultEntry: string | undefined,
): Promise<SecondFactor> {
  const offered = challenge.methods.join(', ');
  if (vaultEntry !== undefined) {
    if (!challenge.methods.includes('totp'))
      throw new CliFailure(`--totp: the account has no authenticator-app factor (it offers ${offered})`);
    const code = await totpCodeFromVault(context, vaultEntry, server);
    return { pair: await verify(server, challenge, 'totp', code), method: 'totp' };
  }
  if (!challenge.methods.some((method) => TYPED_METHODS.includes(method)))
    throw new CliFailure(`the account's second factor (${offered}) cannot be used from the command line`);
  if (!canPrompt(context)) {
    throw new CliFailure(
      `the account asks for a second factor (${offered}) and there is no terminal to ask for it: ` +
        'pass --totp <vault entry>',
    );
  }
  return promptForCode(context, server, challenge);
}

async function promptForCode(
  context: RemoteContext,
  server: string,
  challenge: MfaChallenge,
): Promise<SecondFactor> {
  const { methods, challengeId } = challenge;
  const primary = methods.includes('totp') ? 'totp' : methods.includes('sms') ? 'sms' : 'backup_code';
  if (primary === 'sms')
    await callServer(server, 'POST', '/auth/mfa/challenge', { body: { challengeId, method: 'sms' } });
  const question = questionFor(primary, methods.includes('backup_code'));
  for (let attempt = 1; ; attempt++) {
    const code = await promptLine(question, context);
    // Backup codes (K7QM-2XH9P-4TRWD) never look like the 6-8 digits of the others.
    const method = /^\d{6,8}$/.test(code) || !methods.includes('backup_code') ? primary : 'backup_code';
    try {
      return { pair: await verify(server, challenge, method, code), method };
    } catch (error) {
      const wrong = error instanceof ServerProblem && error.code === 'invalid_code';
      if (!wrong || attempt >= PROMPT_ATTEMPTS) throw error;
      context.out.error('Wrong code; try again.');
    }
  }
}

function questionFor(primary: string, backupCodes: boolean): string {
  const what =
    primary === 'totp'
      ? 'Code from your authenticator app'
      : primary === 'sms'
        ? 'Code sent by SMS'
        : 'Backup code';
  return `${what}${backupCodes && primary !== 'backup_code' ? ' (or a backup code)' : ''}: `;
}

async function verify(
  server: string,
  challenge: MfaChallenge,
  method: string,
  code: string,
): Promise<TokenPair> {
  const answer = await callServer(server, 'POST', '/auth/mfa/verify', {
    body: { challengeId: challenge.challengeId, method, code },
  });
  return parseTokenPair(server, answer.body);
}
