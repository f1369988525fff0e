/**
 * The schema's defaults as one resolved configuration. A few building blocks can be made
 * without a configuration (storage adapters, the audit dispatcher: tests and embedding
 * code construct them directly); their fallbacks read this object, so every default is
 * still written once, in the schema.
 */
import { gatehouseConfigSchema, type GatehouseConfig } from './schema.js';

export const configDefaults: GatehouseConfig = gatehouseConfigSchema.parse({});
