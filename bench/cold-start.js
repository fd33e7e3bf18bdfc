/**
 * `npm run bench:cold`: how long a fresh Lambda container takes to answer its first event, next to
 * a bare baseline handler.
 *
 * Builds, bundles and packages the service (`npm run build`, `npm run bundle`, `osls package`) and
 * unzips the api function's artifact. Bundles the bare baseline (bench/cold-baseline/handler.js:
 * serverless-http + Koa + pg answering the same query as GET /api/tags) with the same esbuild
 * settings, and the stack floor (bench/cold-floor/handler.js: the fixed stack, routing-controllers
 * and MikroORM included, answering the same query with none of our code) as the api function is
 * bundled. Then starts fresh Node processes, interleaved (ours, baseline, floor, …; default 12
 * each), that each require a handler and invoke it with one API Gateway HTTP API event, GET
 * /api/tags, against a PostgreSQL server (BENCH_DATABASE_URL or DATABASE_URL, database
 * conduit_bench, created and migrated if missing; it never drops anything). A server is required:
 * on Lambda the app always has one, and the embedded database is not packaged. Each process
 * reports, from its own start (Node's time origin): when its code began to run, how long the
 * handler module took to load, how long the first event took (app + ORM init + the query), and
 * the total.
 *
 * On Node 22+ one more process kind runs: ours with Node's module compile cache
 * (NODE_COMPILE_CACHE), filled by one run before the timed ones, as a cache generated at package
 * time would be.
 *
 * With SENTRY_DSN set, our processes get it too (error reporting on; see README "Error reporting").
 *
 * Prints min / median / max of each phase, the ratios of the medians ours / baseline and stack
 * floor / baseline (what the stack costs before any of our code runs), and the
 * artifact's size, and writes bench-results/cold-*.json.
 *   npm run bench:cold [-- --runs 12] [-- --also path/to/lambda.js]
 *
 * --also times one more handler module in the same rounds with our environment, e.g. an older
 * build's `dist/src/lambda.js` (before the bundle) for a before/after ratio from one run.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { bundleEntry, FUNCTIONS, libraryPlugins } = require('../scripts/bundle-lambda');

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

async function main() {
  const databaseUrl = withDatabase(serverUrl, 'conduit_bench');
  const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };

  console.log('building, bundling and packaging (npm run build, npm run bundle, osls package)…');
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync('npm', ['run', '-s', 'bundle'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/osls/bin/serverless.js'), 'package'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...env, DATABASE_URL: databaseUrl, JWT_SECRET: 'packaging-only' },
  });
  const zip = path.join(ROOT, '.serverless/api.zip');
  const zipBytes = fs.statSync(zip).size;

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-cold-'));
  const unpacked = path.join(scratch, 'api');
  const unzip = spawnSync('unzip', ['-q', zip, '-d', unpacked]);
  if (unzip.status !== 0) throw new Error('unzip is needed to unpack the artifact (apt-get install unzip)');
  const unpackedBytes = Number(execFileSync('du', ['-sb', unpacked]).toString().split('\t')[0]);
  const baselineFile = path.join(scratch, 'baseline/handler.js');
  await bundleEntry(path.join(__dirname, 'cold-baseline/handler.js'), baselineFile);
  const baselineBytes = fs.statSync(baselineFile).size;
  // The stack floor: the fixed stack with none of our code, bundled as the api function is.
  const floorFile = path.join(scratch, 'floor/handler.js');
  const apiFunction = FUNCTIONS.find(({ name }) => name === 'api');
  await bundleEntry(path.join(__dirname, 'cold-floor/handler.js'), floorFile, {
    plugins: libraryPlugins(apiFunction.without),
  });
  const floorBytes = fs.statSync(floorFile).size;

  console.log('migrating conduit_bench…');
  execFileSync(process.execPath, [path.join(ROOT, 'dist/src/cli/main.js'), 'initdb'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
  });

  const baseEnv = {
    PATH: process.env.PATH,
    // As on Lambda: the handler module starts building the app while it loads (init phase).
    AWS_LAMBDA_FUNCTION_NAME: 'koa-conduit-cold-start',
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
  };
  const oursEnv = {
    ...baseEnv,
    JWT_SECRET: 'cold-start-benchmark-secret-0123456789abcdef',
    DB_POOL_MAX: '2',
    LOG_LEVEL: 'warn',
    MIGRATE_ON_START: 'false',
    // Error reporting on (`SENTRY_DSN=http://key@127.0.0.1:9/1 npm run bench:cold`): what
    // loading and starting the Sentry client adds. Nothing is sent; the event succeeds.
    ...(process.env.SENTRY_DSN && { SENTRY_DSN: process.env.SENTRY_DSN }),
  };
  const kinds = [
    {
      key: 'ours',
      label: 'ours (dist/lambda/api.js)',
      handler: path.join(unpacked, 'dist/lambda/api.js'),
      env: oursEnv,
    },
    { key: 'baseline', label: 'bare baseline', handler: baselineFile, env: baseEnv },
    {
      key: 'floor',
      label: 'stack floor (bench/cold-floor: the fixed stack, none of our code)',
      handler: floorFile,
      env: baseEnv,
    },
  ];
  const also = argument('--also');
  if (also) kinds.push({ ...kinds[0], key: 'also', label: `also: ${also}`, handler: path.resolve(also) });
  // Node 22.1+: the compile cache, filled by one untimed run (as `osls package` could ship it).
  if (typeof require('node:module').enableCompileCache === 'function') {
    const cacheDir = path.join(scratch, 'compile-cache');
    kinds.push({
      ...kinds[0],
      key: 'oursCompileCache',
      label: 'ours + compile cache',
      env: { ...oursEnv, NODE_COMPILE_CACHE: cacheDir },
    });
    coldStart(kinds.at(-1), 0);
  }

  const samples = Object.fromEntries(kinds.map((kind) => [kind.key, []]));
  for (let i = 0; i < runs; i += 1) {
    const line = [];
    for (const kind of kinds) {
      const sample = coldStart(kind, i);
      samples[kind.key].push(sample);
      line.push(`${kind.key} ${sample.total.toFixed(0)} ms`);
    }
    process.stdout.write(`  run ${String(i + 1).padStart(2)}: ${line.join(', ')}\n`);
  }
  fs.rmSync(scratch, { recursive: true, force: true });

  const labels = {
    nodeBoot: 'node start → our code runs',
    load: 'require the handler module',
    firstEvent: 'first event (init + query)',
    total: 'process start → first response',
  };
  const summary = {};
  console.log(`\ncold start over ${runs} fresh processes of each kind, interleaved (ms; ${process.version})`);
  for (const kind of kinds) {
    summary[kind.key] = Object.keys(labels).map((key) => ({ key, ...stats(samples[kind.key].map((s) => s[key])) }));
    console.log(`\n${kind.label}`);
    console.log(`${'phase'.padEnd(40)}${'min'.padStart(8)}${'median'.padStart(8)}${'max'.padStart(8)}`);
    for (const row of summary[kind.key]) {
      console.log(
        `${labels[row.key].padEnd(40)}${row.min.toFixed(0).padStart(8)}${row.median.toFixed(0).padStart(8)}${row.max.toFixed(0).padStart(8)}`,
      );
    }
  }
  const medianTotal = (key) => summary[key].find((row) => row.key === 'total').median;
  const ratio = medianTotal('ours') / medianTotal('baseline');
  console.log(
    `\nours / baseline (median total): ${medianTotal('ours').toFixed(0)} / ${medianTotal('baseline').toFixed(0)} ms = ${ratio.toFixed(2)}×`,
  );
  const floorRatio = medianTotal('floor') / medianTotal('baseline');
  console.log(
    `stack floor / baseline: ${medianTotal('floor').toFixed(0)} / ${medianTotal('baseline').toFixed(0)} ms = ${floorRatio.toFixed(2)}×; ours / stack floor ${(medianTotal('ours') / medianTotal('floor')).toFixed(2)}×`,
  );
  if (summary.also)
    console.log(
      `${kinds.find((kind) => kind.key === 'also').label}: ${(medianTotal('also') / medianTotal('baseline')).toFixed(2)}×`,
    );
  if (summary.oursCompileCache) {
    console.log(`with the compile cache: ${(medianTotal('oursCompileCache') / medianTotal('baseline')).toFixed(2)}×`);
  }
  const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log(`\nartifact: ${mb(zipBytes)} zipped, ${mb(unpackedBytes)} unpacked (.serverless/api.zip)`);
  console.log(`baseline bundle: ${mb(baselineBytes)}, stack floor bundle: ${mb(floorBytes)}`);

  const resultsDir = path.join(ROOT, 'bench-results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `cold-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    `${JSON.stringify({ node: process.version, runs, samples, summary, ratio, floorRatio, artifact: { zipBytes, unpackedBytes, baselineBytes, floorBytes } }, null, 2)}\n`,
  );
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

/** One fresh process that loads a handler and answers one event; its timings. */
function coldStart(kind, index) {
  const child = spawnSync(process.execPath, ['-e', CHILD], {
    cwd: os.tmpdir(),
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...kind.env, HANDLER_PATH: kind.handler },
  });
  if (child.status !== 0) throw new Error(`${kind.label}, run ${index + 1} failed:\n${child.stderr}`);
  const sample = JSON.parse(child.stdout.trim().split('\n').pop());
  if (sample.status !== 200)
    throw new Error(`${kind.label}, run ${index + 1}: GET /api/tags answered ${sample.status}`);
  return sample;
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
} catch (error) {
  console.error(String(error.message ?? error));
  process.exit(1);
}
main().catch((error) => {
  console.error(String(error.message ?? error));
  process.exit(1);
});
