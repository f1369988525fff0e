import { CliFailure } from './errors.js';

const MAX_LINE = 64 * 1024;

/**
 * The first line of stdin (a pipe or a file, for `--…-stdin` options), without its line
 * ending, as bytes the caller zeroes after use. Secrets passed this way stay out of argv
 * (visible in `ps`) and out of shell history.
 */
export async function readFirstLine(stdin: NodeJS.ReadStream, what: string): Promise<Buffer> {
  const line = Buffer.alloc(MAX_LINE);
  let length = 0;
  let complete = false;
  for await (const chunk of stdin as AsyncIterable<Buffer>) {
    const newline = chunk.indexOf(0x0a);
    const part = newline === -1 ? chunk : chunk.subarray(0, newline);
    if (length + part.length > MAX_LINE) {
      line.fill(0);
      chunk.fill(0);
      throw new CliFailure(`${what} on stdin is longer than ${MAX_LINE} bytes; refused.`);
    }
    length += part.copy(line, length);
    chunk.fill(0);
    if ((complete = newline !== -1)) break;
  }
  if (!complete && length === 0)
    throw new CliFailure(`Nothing on stdin: expected ${what} on the first line.`);
  if (line[length - 1] === 0x0d) length -= 1; // CRLF
  const result = Buffer.from(line.subarray(0, length));
  line.fill(0);
  return result;
}
