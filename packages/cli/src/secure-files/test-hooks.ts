/**
 * What a test run may change in a CLI process: where the clock starts, a cheap vault KDF,
 * a pause inside an atomic vault write. The CLI never reads these from the environment
 * and never sets them: the test suite's entry module (packages/cli/test/helpers/
 * gatehouse-under-test.mjs) installs them in its own process before the real `main` runs.
 * So no variable left in someone's shell can weaken a real vault or freeze a real command.
 */
export interface TestHooks {
  /** Milliseconds since the epoch where the clock starts; it keeps ticking from there. */
  readonly clockStartsAt?: number;
  /** New vaults are sealed with a cheap KDF, so a whole test suite runs in seconds. */
  readonly fastVaultKdf?: boolean;
  /** Runs after a vault's temp file is complete and before the rename replaces the vault. */
  readonly beforeVaultRename?: (tempFile: string) => Promise<void>;
}

let installed: TestHooks = {};

/** Replaces the hooks of this process (`{}` removes them). */
export function installTestHooks(hooks: TestHooks): void {
  installed = hooks;
}

export function testHooks(): TestHooks {
  return installed;
}
