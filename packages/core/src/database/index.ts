export * from './types.js';
export * from './schema.js';
export { databaseOptionsOf, openDatabase, type OpenDatabaseOptions } from './open.js';
export { openPgliteDatabase } from './open-pglite.js';
export { openPostgresDatabase } from './open-postgres.js';
export { redactUrl } from '../util/redact-url.js';
export { isDatabaseUnavailable, guardDatabaseCall } from './unavailable.js';
export { lockDataDirectory } from './pglite-lock.js';
