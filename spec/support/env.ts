import { withDatabaseName } from '../../src/db/server-databases';

/**
 * Loaded by mocha before anything reads the configuration; the specs' whole environment is set
 * here, and `.env` is not read in tests (see getConfig), so a developer's DATABASE_URL there can
 * never become the suite's.
 *
 * The suite never touches the database it was pointed at: with DATABASE_URL set it creates a
 * database of its own on the same server (`conduit_spec_<pid>`, or TEST_DATABASE_NAME), marked as
 * the suite's, and drops it at the end; without it, a fresh in-memory embedded PostgreSQL.
 * DATABASE_DIRECT_URL, when set, names the same database past the pooler.
 */
export const serverUrl = process.env.DATABASE_URL?.trim() || undefined;
export const testDatabaseName = process.env.TEST_DATABASE_NAME?.trim() || `conduit_spec_${process.pid}`;

process.env.NODE_ENV = 'test';
process.env.JWT_SECRET = 'spec-secret-that-is-long-enough-for-production-rules';
process.env.LOG_LEVEL = process.env.SPEC_LOG_LEVEL ?? 'silent';
process.env.MIGRATE_ON_START = 'true';
process.env.BODY_LIMIT = '64kb';
process.env.CORS_ORIGINS = '*';
// Off for the suite's app: specs that test the limits build an app with their own (see spec/api/rate-limits.spec.ts).
process.env.RATE_LIMITS = 'off';
/** PostgreSQL past the pooler DATABASE_URL names (DATABASE_POOLER=transaction), when given. */
export const serverDirectUrl = process.env.DATABASE_DIRECT_URL?.trim() || undefined;
if (serverUrl) {
  process.env.DATABASE_URL = withDatabaseName(serverUrl, testDatabaseName);
  if (serverDirectUrl) process.env.DATABASE_DIRECT_URL = withDatabaseName(serverDirectUrl, testDatabaseName);
} else {
  delete process.env.DATABASE_URL;
  delete process.env.DATABASE_DIRECT_URL;
  delete process.env.DATABASE_POOLER;
  process.env.PGLITE_DATA_DIR = 'memory://';
}

/**
 * Replicas (DATABASE_REPLICA_URLS, and the asynchronous one the lag spec pauses,
 * TEST_LAGGING_REPLICA_URL) name their server the same way: the suite's database reaches them by
 * replication from the primary, under the same name (see .ci/replica).
 */
const replicaUrls = (process.env.DATABASE_REPLICA_URLS ?? '')
  .split(',')
  .map((url) => url.trim())
  .filter(Boolean);
export const laggingReplicaUrl = process.env.TEST_LAGGING_REPLICA_URL?.trim()
  ? withDatabaseName(process.env.TEST_LAGGING_REPLICA_URL.trim(), testDatabaseName)
  : undefined;
if (serverUrl && replicaUrls.length > 0) {
  process.env.DATABASE_REPLICA_URLS = replicaUrls.map((url) => withDatabaseName(url, testDatabaseName)).join(',');
} else {
  delete process.env.DATABASE_REPLICA_URLS;
}
