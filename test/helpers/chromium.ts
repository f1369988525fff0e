import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describe } from 'vitest';

/**
 * Debian's Chromium for the real-browser tests, driven by playwright-core (no browser
 * download: this machine reaches only the npm registry and Debian).
 */
export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
// In CI a missing browser is a failure, never a silent skip.
const REQUIRED = process.env.CI === 'true' || process.env.CI === '1';

/**
 * `describe` for a real-browser suite: it runs when Chromium is there or CI requires it, and
 * is skipped elsewhere with the reason in its title.
 */
export function browserSuite(title: string, body: () => void): void {
  if (HAS_CHROMIUM || REQUIRED) describe(title, body);
  // Only off CI: a developer without the browser still runs the rest; CI=true fails instead.
  else describe.skip(`${title} — SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium)`, body);
}

/** Starts headless Chromium; in CI without it, says what to install. */
export async function launchChromium(timeoutMs = 60_000): Promise<Browser> {
  if (!HAS_CHROMIUM) throw new Error(`CI=true needs Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: timeoutMs,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
