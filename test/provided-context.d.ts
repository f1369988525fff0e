// What test/global-setup.ts provides to every test file (read with vitest's `inject`).
declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite dump (packages/core/test/helpers/pglite-template.ts) in-memory test databases copy. */
    pgliteTemplate?: string;
    /** The same database as a data directory, for the end-to-end tests' real processes. */
    pgliteTemplateDirectory?: string;
  }
}

export {};
