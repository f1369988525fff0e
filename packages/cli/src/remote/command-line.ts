import { parseArgs } from 'node:util';
import type { Output } from '../output.js';
import { argumentsFailure, usageFailure } from '../secure-files/errors.js';

/**
 * For commands that take no arguments (status, whoami, logout): prints `usage` for --help
 * and says whether that was all; anything else on the command line is a usage error.
 */
export function helpOnly(argv: string[], usage: string, out: Output): boolean {
  const command = usage.split('\n')[0]?.replace('Usage: ', '') ?? '';
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' } },
    });
  } catch (error) {
    throw argumentsFailure(error, `${command} --help`);
  }
  if (parsed.values.help) {
    out.info(usage);
    return true;
  }
  if (parsed.positionals.length > 0)
    throw usageFailure(`unexpected argument ${parsed.positionals[0]}; see ${command} --help`);
  return false;
}
