/**
 * Settings that exist only for the test suite (a fake clock, a fast KDF, a pause inside an
 * atomic write). They are read only when NODE_ENV=test, so a variable left in someone's
 * shell can never weaken a real vault or freeze a real command.
 */
export function testSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  if (env.NODE_ENV !== 'test') return undefined;
  return env[name] || undefined;
}
