import { createInterface } from 'node:readline/promises';
import { CliFailure } from '../secure-files/errors.js';
import { canPrompt, type PromptIo } from '../secure-files/prompt.js';

/**
 * Asks `question` on the terminal and reads one line with echo (an email, a one-time code:
 * nothing that stays secret once used). Ctrl-C cancels with exit 130, like the hidden prompt.
 */
export async function promptLine(question: string, io: PromptIo): Promise<string> {
  if (!canPrompt(io)) throw new CliFailure('Cannot prompt: stdin is not a terminal.');
  const lines = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  // Promise.race below handles these rejections, also the one `close` causes once answered.
  const cancelled = new Promise<never>((_, reject) => {
    lines.once('SIGINT', () => {
      io.stderr.write('\n'); // end the prompt's line, as Enter would have
      reject(new CliFailure('Cancelled.', 130));
    });
    lines.once('close', () => reject(new CliFailure('The terminal closed before a line was entered.')));
  });
  try {
    return (await Promise.race([lines.question(question), cancelled])).trim();
  } finally {
    lines.close();
  }
}
