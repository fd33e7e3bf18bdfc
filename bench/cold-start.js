/**
 * `npm run bench:cold`: how long a fresh Lambda container takes to answer its first event.
 *
 * Builds and packages the service (`osls package`), unzips the artifact, then starts N fresh Node
 * processes (default 12) that each require the packaged handler and invoke it with one API Gateway
 * HTTP API event, GET /api/tags, against a PostgreSQL server (BENCH_DATABASE_URL or DATABASE_URL,
 * database conduit_bench, created and migrated if missing; it never drops anything). A server is
 * required: on Lambda the app always has one, and the embedded database is not packaged. Each process reports, from its own
 * start (Node's time origin): when its code began to run, how long the handler module took to
 * load, how long the first event took (app + ORM init + the query), and the total.
 *
 * With SENTRY_DSN set, the processes get it too (error reporting on; see README "Error reporting").
 *
 * Prints min / median / max of each and the artifact's size, and writes bench-results/cold-*.json.
 *   npm run bench:cold [-- --runs 12]
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const runs = Number(argument('--runs') ?? 12);
const serverUrl =
  process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

function argument(name) {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

// The child: everything it measures is relative to its own process start.
const CHILD = `
const origin = performance.now();
const { handler } = require(process.env.HANDLER_PATH);
const loaded = performance.now();
const event = {
  version: '2.0', routeKey: '$default', rawPath: '/api/tags', rawQueryString: '',
  headers: { host: 'cold.local', accept: 'application/json' },
  requestContext: { http: { method: 'GET', path: '/api/tags', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
    requestId: 'cold-' + process.pid, routeKey: '$default', stage: '$default' },
};
handler(event, {}).then((result) => {
  const done = performance.now();
  process.stdout.write(JSON.stringify({ status: result.statusCode, nodeBoot: origin, load: loaded - origin, firstEvent: done - loaded, total: done }) + '\\n');
  process.exit(0);
}, (error) => { console.error(error); process.exit(1); });
`;

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

function main() {
  const databaseUrl = withDatabase(serverUrl, 'conduit_bench');
  const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };

  console.log('building and packaging (osls package)…');
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/osls/bin/serverless.js'), 'package'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...env, DATABASE_URL: databaseUrl, JWT_SECRET: 'packaging-only' },
  });
  const zip = path.join(ROOT, '.serverless/koa-conduit.zip');
  const zipBytes = fs.statSync(zip).size;

  const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-lambda-'));
  const unzip = spawnSync('unzip', ['-q', zip, '-d', unpacked]);
  if (unzip.status !== 0) throw new Error('unzip is needed to unpack the artifact (apt-get install unzip)');
  const unpackedBytes = Number(execFileSync('du', ['-sb', unpacked]).toString().split('\t')[0]);

  console.log('migrating conduit_bench…');
  execFileSync(process.execPath, [path.join(ROOT, 'dist/src/cli/main.js'), 'initdb'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
  });

  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    const child = spawnSync(process.execPath, ['-e', CHILD], {
      cwd: os.tmpdir(),
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        HANDLER_PATH: path.join(unpacked, 'dist/src/lambda.js'),
        // As on Lambda: the handler module starts building the app while it loads (init phase).
        AWS_LAMBDA_FUNCTION_NAME: 'koa-conduit-cold-start',
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl,
        JWT_SECRET: 'cold-start-benchmark-secret-0123456789abcdef',
        DB_POOL_MAX: '2',
        LOG_LEVEL: 'warn',
        MIGRATE_ON_START: 'false',
        // Error reporting on (`SENTRY_DSN=http://key@127.0.0.1:9/1 npm run bench:cold`): what
        // loading and starting the Sentry client adds. Nothing is sent; the event succeeds.
        ...(process.env.SENTRY_DSN && { SENTRY_DSN: process.env.SENTRY_DSN }),
      },
    });
    if (child.status !== 0) throw new Error(`run ${i + 1} failed:\n${child.stderr}`);
    const sample = JSON.parse(child.stdout.trim().split('\n').pop());
    if (sample.status !== 200) throw new Error(`run ${i + 1}: GET /api/tags answered ${sample.status}`);
    samples.push(sample);
    process.stdout.write(`  run ${String(i + 1).padStart(2)}: ${sample.total.toFixed(0)} ms\n`);
  }
  fs.rmSync(unpacked, { recursive: true, force: true });

  const rows = ['nodeBoot', 'load', 'firstEvent', 'total'].map((key) => ({
    key,
    ...stats(samples.map((s) => s[key])),
  }));
  const labels = {
    nodeBoot: 'node start → our code runs',
    load: 'require the handler module',
    firstEvent: 'first event (ORM init + query)',
    total: 'process start → first response',
  };
  console.log(`\ncold start over ${runs} fresh processes (ms)`);
  console.log(`${'phase'.padEnd(40)}${'min'.padStart(8)}${'median'.padStart(8)}${'max'.padStart(8)}`);
  for (const row of rows) {
    console.log(
      `${labels[row.key].padEnd(40)}${row.min.toFixed(0).padStart(8)}${row.median.toFixed(0).padStart(8)}${row.max.toFixed(0).padStart(8)}`,
    );
  }
  const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log(`\nartifact: ${mb(zipBytes)} zipped, ${mb(unpackedBytes)} unpacked (.serverless/koa-conduit.zip)`);

  const resultsDir = path.join(ROOT, 'bench-results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `cold-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    `${JSON.stringify({ runs, samples, summary: rows, artifact: { zipBytes, unpackedBytes } }, null, 2)}\n`,
  );
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

/** One clear line, before building anything, when no PostgreSQL server answers. */
function requireServer(url) {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      "new (require('pg').Client)({connectionString: process.argv[1], connectionTimeoutMillis: 5000}).connect().then(() => process.exit(0), (e) => { console.error(e.code || e.message); process.exit(1); })",
      url,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 15_000 },
  );
  if (probe.status !== 0) {
    const redacted = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    throw new Error(
      `npm run bench:cold needs a PostgreSQL server and none answers at ${redacted} (${probe.stderr.trim() || 'no answer'}); ` +
        'start one or set BENCH_DATABASE_URL=postgres://user@host:5432/postgres',
    );
  }
}

try {
  requireServer(serverUrl);
  main();
} catch (error) {
  console.error(String(error.message ?? error));
  process.exit(1);
}
