import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { bootstrap } from '../src/bootstrap';
import { ConfigError, getConfig } from '../src/config/config';
import type { EmbeddedPostgres } from '../src/db/embedded-postgres';
import { createLogger } from '../src/logger';

/**
 * `npm run offline`: the Lambda handler behind an emulated API Gateway (osls + serverless-offline),
 * on OFFLINE_PORT (default 3000).
 *
 * serverless-offline runs each handler in its own worker thread, like separate Lambda containers.
 * So the database must be a server they can all reach: DATABASE_URL when set; otherwise this
 * script starts the embedded PostgreSQL itself (PGLITE_DATA_DIR, default .data/pglite) and hands
 * the workers its address. Migrations run here first, as a deploy would run the migrate function.
 */

const ROOT = path.resolve(__dirname, '..');

async function main() {
  // The workers load the bundle's argon2, its prebuilt Linux binary, which crashes Node 20 (Lambda
  // runs 24; see README "The Lambda artifact").
  if (Number(process.versions.node.split('.')[0]) < 22) {
    console.error(`npm run offline runs the Lambda bundle, which needs Node 22 or later (this is ${process.version})`);
    process.exit(1);
  }
  const config = getConfig();
  const logger = createLogger({ logLevel: 'info' });
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.databaseUrl;

  if (!databaseUrl) {
    const { startEmbeddedPostgres } = await import('../src/db/embedded-postgres');
    embedded = await startEmbeddedPostgres({ dataDir: config.embeddedDataDir, maxConnections: 20 });
    databaseUrl = `postgres://${embedded.user}@${embedded.host}:${embedded.port}/${embedded.dbName}`;
    logger.info(
      { dataDir: embedded.dataDir },
      `embedded PostgreSQL for the offline Lambda on ${embedded.host}:${embedded.port}`,
    );
  }

  const migrating = await bootstrap({ config: { ...config, databaseUrl }, logger: () => logger, migrate: true });
  await migrating.close();

  const port = process.env.OFFLINE_PORT ?? '3000';
  const osls = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules/osls/bin/serverless.js'), 'offline', 'start', '--stage', 'local'],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        OFFLINE_PORT: port,
        OFFLINE_LAMBDA_PORT: process.env.OFFLINE_LAMBDA_PORT ?? String(Number(port) + 2),
        // A local run is development unless told otherwise (production refuses the dev secret).
        NODE_ENV: process.env.NODE_ENV ?? 'development',
        JWT_SECRET: config.jwtSecret,
        // osls must not phone home: this may run without internet.
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
      },
    },
  );

  const stop = async (code: number) => {
    if (osls.exitCode === null) osls.kill('SIGTERM');
    await embedded?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  osls.on('exit', (code) => void stop(code ?? 1));
  return osls satisfies ChildProcess;
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
