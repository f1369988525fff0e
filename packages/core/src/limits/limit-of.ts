import type { GatehouseConfig } from '../config/schema.js';

/**
 * The one place the rate-limit master switch (`rateLimits.enabled`) acts on a fixed-window
 * limit: switched off, every limit becomes one no client can reach, so limiters keep a
 * single code path (they still count) and never refuse.
 */
export function limitOf(rateLimits: Pick<GatehouseConfig['rateLimits'], 'enabled'>, limit: number): number {
  return rateLimits.enabled ? limit : Number.MAX_SAFE_INTEGER;
}
