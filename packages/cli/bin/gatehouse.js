#!/usr/bin/env node
// The `gatehouse` command as npm links it (node_modules/.bin/gatehouse). This file is
// committed, not compiled: npm links a bin only if its target exists at install time, and
// after `npm ci` dist/ does not exist yet. Without the link, `npx gatehouse` would offer to
// download an unrelated package of that name from the registry.
//
// It runs the compiled CLI, building it first (with a visible line) when it was never built.
// Installed from npm, the package ships dist/ and there is no checkout to build from.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const compiled = new URL('../dist/bin.js', import.meta.url);
const buildScript = new URL('../../../scripts/build.mjs', import.meta.url);

if (!existsSync(compiled)) {
  if (!existsSync(buildScript)) {
    process.stderr.write(
      'gatehouse: this installation has no dist/ (the compiled CLI); reinstall @gatehouse/cli.\n',
    );
    process.exit(1);
  }
  const { build } = await import(buildScript.href);
  if (!build('gatehouse is not built yet: building it')) process.exit(1);
}
await import(compiled.href);
