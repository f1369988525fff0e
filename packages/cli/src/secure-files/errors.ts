import { describeError, type Output } from '../output.js';

/**
 * A failure the CLI reports as one line, without a stack trace, with its exit code:
 * 2 for a usage error (the command line was wrong), 1 for anything else.
 */
export class CliFailure extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliFailure';
    this.exitCode = exitCode;
  }
}

/** A usage error (exit 2). */
export function usageFailure(message: string): CliFailure {
  return new CliFailure(message, 2);
}

/**
 * Runs a command and turns a throw into its one-line report and exit code. CliFailure
 * messages are written for the user; anything else is unexpected and gets the --debug hint.
 */
export async function runReported(
  command: string,
  out: Output,
  debug: boolean,
  work: () => Promise<number>,
): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CliFailure) {
      out.error(`gatehouse ${command}: ${error.message}`);
      return error.exitCode;
    }
    out.error(`gatehouse ${command}: ${describeError(error, debug)}`);
    if (!debug) out.error('(run with --debug for details)');
    return 1;
  }
}

/**
 * A usage error from a node:util parseArgs failure, with its first sentence only (its
 * advice about '--' is noise here) and where to look.
 */
export function argumentsFailure(error: unknown, help: string): CliFailure {
  const message = error instanceof Error ? (error.message.split('. ')[0] ?? error.message) : String(error);
  return usageFailure(`${message.replace(/\.$/, '')}; see ${help}`);
}
