// The `gatehouse` command as the tests run it: the real CLI (dist/bin.js), after installing
// the test hooks a test asks for in the environment it starts the process with. The CLI
// itself never reads these variables; only this file, which no installed command loads.
//
//   GATEHOUSE_TEST_NOW=<ISO time or epoch ms>   the clock starts there (and keeps ticking)
//   GATEHOUSE_TEST_VAULT_KDF=fast               new vaults get a cheap KDF (seconds per suite)
//   GATEHOUSE_TEST_PAUSE_BEFORE_RENAME=<file>   a vault write names its complete temp file in
//                                               <file> and waits there to be killed
//
// They are removed from the environment before the CLI starts, so the server's configuration
// (which refuses unknown GATEHOUSE_* names) never sees them.
import { writeFile } from 'node:fs/promises';
import process from 'node:process';
import { setInterval } from 'node:timers';

import { installTestHooks } from '../../dist/secure-files/test-hooks.js';

/** A switch's value (unset when empty), taken out of the environment. */
function take(name) {
  const value = process.env[name] || undefined;
  delete process.env[name];
  return value;
}

function refuse(message) {
  process.stderr.write(`gatehouse (under test): ${message}\n`);
  process.exit(2);
}

function clockStartsAt(text) {
  if (text === undefined) return undefined;
  const at = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(at)) refuse(`GATEHOUSE_TEST_NOW is not a time: ${text}`);
  return at;
}

function fastVaultKdf(text) {
  if (text !== undefined && text !== 'fast')
    refuse(`GATEHOUSE_TEST_VAULT_KDF=${text}: the only value is "fast"`);
  return text === 'fast';
}

function pauseBeforeRename(marker) {
  if (marker === undefined) return undefined;
  return async (tempFile) => {
    await writeFile(marker, tempFile);
    await new Promise(() => setInterval(() => undefined, 60_000)); // until killed
  };
}

const beforeVaultRename = pauseBeforeRename(take('GATEHOUSE_TEST_PAUSE_BEFORE_RENAME'));
installTestHooks({
  clockStartsAt: clockStartsAt(take('GATEHOUSE_TEST_NOW')),
  fastVaultKdf: fastVaultKdf(take('GATEHOUSE_TEST_VAULT_KDF')),
  ...(beforeVaultRename === undefined ? {} : { beforeVaultRename }),
});
await import('../../dist/bin.js');
