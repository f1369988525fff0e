/** What the CLI prints: plain lines for people, errors without stack traces unless asked. */
export interface Output {
  info(line: string): void;
  error(line: string): void;
}

export const consoleOutput: Output = {
  info: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};

/** The error and its causes (e.g. "The stateStore is unavailable: connect ECONNREFUSED 127.0.0.1:6379"). */
export function describeError(error: unknown, debug: boolean): string {
  if (!(error instanceof Error)) return String(error);
  if (debug && error.stack) return error.stack;
  const causes: string[] = [error.message];
  for (let cause = error.cause; cause instanceof Error && causes.length < 4; cause = cause.cause) {
    if (cause.message) causes.push(cause.message);
  }
  return causes.join(': ');
}
