import { withDatabaseName } from '../../src/db/server-databases';

/**
 * Loaded by mocha before anything reads the configuration. The suite never touches the
 * database it was pointed at: with DATABASE_URL set it uses a dedicated database on the same
 * server (recreated once per run); without it, a fresh in-memory embedded PostgreSQL.
 */
export const serverUrl = process.env.DATABASE_URL?.trim() || undefined;
export const testDatabaseName = process.env.TEST_DATABASE_NAME ?? 'conduit_test';

process.env.NODE_ENV = 'test';
process.env.JWT_SECRET = 'spec-secret-that-is-long-enough-for-production-rules';
process.env.LOG_LEVEL = process.env.SPEC_LOG_LEVEL ?? 'silent';
process.env.MIGRATE_ON_START = 'true';
process.env.BODY_LIMIT = '64kb';
process.env.CORS_ORIGINS = '*';
if (serverUrl) {
  process.env.DATABASE_URL = withDatabaseName(serverUrl, testDatabaseName);
} else {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_DATA_DIR = 'memory://';
}
