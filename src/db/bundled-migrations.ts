import type { MigrationObject } from '@mikro-orm/core';

/**
 * The migrations inside a bundle, or undefined when they are files to read from migrations/
 * (ts-node, `dist/`). A bundle has no such folder: scripts/bundle-lambda.js replaces this module
 * by one listing every compiled migration, which the migrator then takes as `migrationsList`.
 */
export const bundledMigrations: MigrationObject[] | undefined = undefined;
