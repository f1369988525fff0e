/**
 * The one Gatehouse configuration schema. Every setting and every default lives
 * here — the shape in base-schema.ts, one file per area under sections/ — with what it
 * is and why the default; nowhere else may repeat a default with `??` or `||` (code
 * that can run without a configuration falls back to `configDefaults`, defaults.ts).
 * Objects are strict: an unknown key is an error, so a typo never silently falls back
 * to a default.
 *
 * Defaults that depend on other settings (listen host, public URL, issuer,
 * key-rotation grace) are left unset in the shape and resolved in one place,
 * `resolveDerivedDefaults` (derive.ts), which this schema ends with.
 */
import type * as z from 'zod';

import { baseSchema } from './base-schema.js';
import { resolveDerivedDefaults } from './derive.js';

export { PRESET_NAMES, type PresetName, type ConfigBeforeDerivation } from './base-schema.js';

export const gatehouseConfigSchema = baseSchema.transform(resolveDerivedDefaults);

/** A complete, validated configuration (what `createConfig` returns). */
export type GatehouseConfig = z.output<typeof gatehouseConfigSchema>;
/** What callers may pass: every key with a default is optional, at any depth. */
export type GatehouseConfigInput = z.input<typeof gatehouseConfigSchema>;
