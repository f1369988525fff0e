import { startServer } from '@gatehouse/server';

/** Runs the server in the foreground until SIGTERM/SIGINT, then drains and exits. */
export async function serveCommand(env: NodeJS.ProcessEnv): Promise<void> {
  await startServer({ env, handleSignals: true });
}
