import { setFlagsFromString } from 'node:v8';
import { startServer } from '@gatehouse/server';

/**
 * Runs the server in the foreground until SIGTERM/SIGINT, then drains and exits.
 *
 * The embedded database is PostgreSQL compiled to WebAssembly. V8 compiles it with its
 * baseline compiler (Liftoff) and then recompiles hot functions with its optimiser in
 * background threads; for PGlite's short queries the optimised code gains nothing
 * measurable (`npm run bench`: refresh and strict validation as fast), while the
 * optimiser's code and scratch memory stay resident (~60 MB of the server's idle RSS).
 * This process is the CLI's own, so it may set an engine-wide flag; it is set before the
 * engine compiles anything, and it changes nothing for PostgreSQL (no WebAssembly).
 */
export async function serveCommand(env: NodeJS.ProcessEnv): Promise<void> {
  setFlagsFromString('--liftoff-only');
  await startServer({ env, handleSignals: true });
}
