import { CliFailure } from './errors.js';

/** Where a prompt reads and writes: the terminal on stdin, the question on stderr (stdout stays clean). */
export interface PromptIo {
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WritableStream;
}

/** Longest line accepted, in bytes (passphrases, secrets, otpauth URIs). */
const MAX_LINE = 4096;

/** Prompts only on a real terminal: anything else (a pipe, /dev/null, cron) would hang or lie. */
export function canPrompt(io: PromptIo): boolean {
  return io.stdin.isTTY === true;
}

/**
 * Asks `question` and reads one line from the terminal without echoing it. The terminal is
 * put in raw mode, so echo is off before the first key is read and nothing typed is shown;
 * Backspace and Ctrl-U edit, Ctrl-C cancels (exit 130). Returns the UTF-8 bytes in a Buffer
 * the caller zeroes after use; the working buffers are zeroed here.
 */
export async function promptHidden(question: string, io: PromptIo): Promise<Buffer> {
  if (!canPrompt(io)) throw new CliFailure('Cannot prompt: stdin is not a terminal.');
  const { stdin, stderr } = io;
  const line = { bytes: Buffer.alloc(MAX_LINE), length: 0 };
  let onData: (chunk: Buffer) => void = () => undefined;
  let onEnd: () => void = () => undefined;
  stderr.write(question);
  stdin.setRawMode(true);
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      onData = (chunk) => {
        const outcome = feed(line, chunk);
        chunk.fill(0);
        if (outcome === 'line') resolve(Buffer.from(line.bytes.subarray(0, line.length)));
        if (outcome === 'cancel') reject(new CliFailure('Cancelled.', 130));
        if (outcome === 'overflow') reject(new CliFailure(`Input longer than ${MAX_LINE} bytes; refused.`));
      };
      onEnd = () => reject(new CliFailure('The terminal closed before a line was entered.'));
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      stdin.resume();
    });
  } finally {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.setRawMode(false);
    stdin.pause();
    line.bytes.fill(0);
    stderr.write('\n'); // the Enter the user typed was not echoed either
  }
}

type Outcome = 'more' | 'line' | 'cancel' | 'overflow';

/** Applies a chunk of raw terminal input to the line being edited. */
function feed(line: { bytes: Buffer; length: number }, chunk: Buffer): Outcome {
  for (const byte of chunk) {
    if (byte === 0x0d || byte === 0x0a) return 'line';
    if (byte === 0x03 || (byte === 0x04 && line.length === 0)) return 'cancel'; // Ctrl-C, Ctrl-D
    if (byte === 0x7f || byte === 0x08) eraseLastCharacter(line);
    else if (byte === 0x15)
      eraseLine(line); // Ctrl-U
    else if (byte >= 0x20) {
      if (line.length === line.bytes.length) return 'overflow';
      line.bytes[line.length++] = byte;
    }
  }
  return 'more';
}

function eraseLine(line: { bytes: Buffer; length: number }): void {
  line.bytes.fill(0, 0, line.length);
  line.length = 0;
}

/** Backspace removes one character: a UTF-8 lead byte and its continuation bytes. */
function eraseLastCharacter(line: { bytes: Buffer; length: number }): void {
  if (line.length === 0) return;
  const end = line.length;
  line.length -= 1;
  while (line.length > 0 && ((line.bytes[line.length] ?? 0) & 0xc0) === 0x80) line.length -= 1;
  line.bytes.fill(0, line.length, end);
}
