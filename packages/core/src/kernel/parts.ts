import type { AuditEmitter } from '../audit/types.js';
import type { GatehouseConfig } from '../config/index.js';
import type { Clock } from '../util/clock.js';
import type { RandomSource } from '../util/random.js';

/**
 * What every flow may use: the settings, injected time and randomness, and the audit trail.
 * Each capability adds the stores and services it needs in its own `*Parts` type, so a flow's
 * signature says what it touches; the engine builds one object that satisfies them all.
 */
export interface CommonParts {
  config: GatehouseConfig;
  clock: Clock;
  random: RandomSource;
  audit: AuditEmitter;
}
