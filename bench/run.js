/**
 * `npm run bench`: builds the app, seeds a dedicated database through the CLI, starts the real
 * server and a bare-bones baseline as child processes, loads each endpoint with autocannon (also a
 * child process) on 127.0.0.1, prints one table and writes bench-results/bench-<timestamp>.json.
 *
 *   npm run bench [-- --duration 8 --warmup 2 --connections 10]
 *
 * It needs a PostgreSQL server (the baseline speaks to it with `pg`; the embedded database would
 * measure PGlite, not the API): the one BENCH_DATABASE_URL or DATABASE_URL names (default
 * postgres://postgres@127.0.0.1:5432/postgres). There it creates the database `conduit_bench`,
 * marked as the benchmark's; a later run drops and recreates only a database carrying that mark.
 * The database those URLs name is never touched. Every child process is stopped at the end,
 * whether the run succeeded, failed or was interrupted.
 *
 * Through a transaction pooler (PgBouncer): BENCH_DATABASE_URL names the pooler and
 * BENCH_DATABASE_DIRECT_URL (else DATABASE_DIRECT_URL) the server past it. The database is then
 * created, migrated, seeded and analysed on the direct URL; the server (DATABASE_POOLER=transaction)
 * and the baseline send their requests' queries through the pooler. With --versus-direct the
 * baseline is our own server again, on the direct URL: each pair then measures what the pooler
 * costs, interleaved in one run (separate runs on a busy machine differ by more than that).
 *
 * With --stack-floor the stack floor (bench/floor-server.js: the baseline's three routes, same
 * statements and JSON, through Koa + routing-controllers + typedi + koa-jwt + class-validator +
 * MikroORM, none of our code) stands in our server's place, and only the three pairs and the
 * start-up are measured: floor / baseline is the most the fixed stack leaves for any ratio ours /
 * baseline, measured interleaved like the others.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs, isDeepStrictEqual } = require('node:util');
const { Client } = require('pg');
const { Children, freePort, waitUntilReady } = require('./lib/children');
const { manyKeysBody, startHostileSenders } = require('./lib/abuse');
const { measure } = require('./lib/load');
const { formatTable } = require('./lib/report');

const ROOT = path.resolve(__dirname, '..');
const RESULTS_DIR = path.join(ROOT, 'bench-results');
const BENCH_DATABASE = 'conduit_bench';
const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const SEED_COUNTS = { users: 100, articles: 2000, comments: 5000, favorites: 3000, follows: 500 };
// The seed command's well-known account (src/db/seeders/users.seeder.ts).
const DEMO_CREDENTIALS = { email: 'demo@example.com', password: 'password123' };
// Production mode insists on a long private secret; this one signs bench tokens only.
const BENCH_JWT_SECRET = 'bench-only-jwt-secret-not-for-any-real-deployment-0123456789';
const DB_POOL_MAX = '10';
// The server's default DB_STATEMENT_TIMEOUT_MS, given to the database when a pooler sits in between.
const STATEMENT_TIMEOUT_MS = 5000;
const GRAPHQL_LIST_BODY = JSON.stringify({
  query: `{ articles(limit: 20) { articlesCount articles { slug title description tagList createdAt updatedAt
    favorited favoritesCount author { username bio image following } } } }`,
});
// The abuse row: this many hostile bodies in flight at once, each just under the server's default
// 1 MB BODY_LIMIT (so the parser accepts it and the work after parsing is what gets measured).
const ABUSE_SENDERS = 2;
const ABUSE_BODY_BYTES = 1_000_000;
// A hard stop for the whole run, far above its usual ~2 minutes, so nothing can hang forever.
const RUN_DEADLINE_MS = 8 * 60_000;

function readOptions() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: process.env.BENCH_DURATION ?? '8' },
      warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '2' },
      connections: { type: 'string', default: process.env.BENCH_CONNECTIONS ?? '10' },
      'skip-abuse': { type: 'boolean', default: process.env.BENCH_SKIP_ABUSE === '1' },
      'idle-seconds': { type: 'string', default: process.env.BENCH_IDLE_SECONDS ?? '60' },
      'spawn-rounds': { type: 'string', default: process.env.BENCH_SPAWN_ROUNDS ?? '3' },
      'versus-direct': { type: 'boolean', default: false },
      'stack-floor': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: npm run bench [-- --duration <s> --warmup <s> --connections <n> --skip-abuse ' +
        '--idle-seconds <s> --spawn-rounds <n> --versus-direct --stack-floor]',
    );
    process.exit(0);
  }
  const number = (name, min, max) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`--${name} must be a whole number from ${min} to ${max} (got "${values[name]}")`);
    }
    return value;
  };
  return {
    durationSeconds: number('duration', 1, 60),
    warmupSeconds: number('warmup', 0, 30),
    connections: number('connections', 1, 200),
    skipAbuse: values['skip-abuse'],
    idleSeconds: number('idle-seconds', 0, 600),
    spawnRounds: number('spawn-rounds', 0, 20),
    versusDirect: values['versus-direct'],
    stackFloor: values['stack-floor'],
  };
}

function median(values) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
}

/** A process's resident set in MB, from /proc (Linux); undefined where there is none. */
function rssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** ours/baseline req/s for every measured pair of routes. */
function pairRatios(results) {
  const pairs = [...new Set(results.filter((r) => r.pair).map((r) => r.pair))];
  return pairs.map((pair) => {
    const ours = results.find((r) => r.pair === pair && r.side === 'ours');
    const baseline = results.find((r) => r.pair === pair && r.side === 'baseline');
    return {
      pair,
      route: ours.name,
      ours: ours.requestsPerSecond,
      baseline: baseline.requestsPerSecond,
      ratio: baseline.requestsPerSecond > 0 ? ours.requestsPerSecond / baseline.requestsPerSecond : 0,
      oursNon2xx: ours.non2xx,
    };
  });
}

function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function step(title, work) {
  const started = Date.now();
  process.stdout.write(`==> ${title}\n`);
  const result = await work();
  const elapsedMs = Date.now() - started;
  process.stdout.write(`    done in ${seconds(elapsedMs)}\n`);
  return { result, elapsedMs };
}

/** `npm run <script>` with the npm that runs us, when there is one. */
function npmInvocation(script) {
  const npmCli = process.env.npm_execpath;
  return npmCli?.endsWith('.js')
    ? [process.execPath, [npmCli, 'run', '--silent', script]]
    : ['npm', ['run', '--silent', script]];
}

async function withClient(url, work) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Fresh planner statistics and visibility map, as a database in steady state would have them, so
 * plans do not depend on whether autovacuum happened to pass by since the seed.
 */
function vacuumAnalyze(benchUrl) {
  return withClient(benchUrl, (client) => client.query('vacuum analyze'));
}

/** A tag, an article slug and server facts, read straight from the seeded database. */
function pickTargets(benchUrl) {
  return withClient(benchUrl, async (client) => {
    const tag = await client.query(
      'select tag, count(*)::int as articles from articles, unnest(tag_list) as tag group by tag order by 2 desc, 1 limit 1',
    );
    // A typical article rather than an extreme one: as many comments as the average.
    const slug = await client.query(`
      with counts as (select article_id, count(*) as comments from comments group by article_id)
      select a.slug, coalesce(c.comments, 0)::int as comments
        from articles a left join counts c on c.article_id = a.id
       order by abs(coalesce(c.comments, 0) - (select round(avg(comments)) from counts)) nulls last, a.id
       limit 1`);
    // A title word in about 1% of the articles: a search that matches a page and more, as a
    // typical one does, rather than the rarest or the most common word.
    const word = await client.query(`
      select word, ndoc::int as articles
        from ts_stat('select to_tsvector(''simple'', title) from articles')
       where length(word) >= 5 and word ~ '^[a-z]+$'
       order by abs(ndoc - (select count(*) / 100.0 from articles)), word
       limit 1`);
    const version = await client.query('show server_version');
    return {
      searchWord: word.rows[0]?.word ?? 'synergy',
      searchArticles: word.rows[0]?.articles ?? 0,
      tag: tag.rows[0]?.tag ?? 'dragons',
      tagArticles: tag.rows[0]?.articles ?? 0,
      slug: slug.rows[0]?.slug ?? 'no-such-article',
      slugComments: slug.rows[0]?.comments ?? 0,
      postgresVersion: version.rows[0].server_version,
    };
  });
}

/** A token for the demo account, signed as ours would sign it (for the stack floor, which has no login). */
async function demoToken(benchUrl) {
  const jwt = require('jsonwebtoken');
  const rows = await withClient(benchUrl, (client) =>
    client.query('select id, username from users where email = $1', [DEMO_CREDENTIALS.email]).then((r) => r.rows),
  );
  if (rows.length === 0) return { status: 404, problem: 'no demo account' };
  const token = jwt.sign({ username: rows[0].username }, BENCH_JWT_SECRET, {
    algorithm: 'HS256',
    subject: String(rows[0].id),
    expiresIn: '1h',
  });
  return { status: 200, token };
}

async function logIn(baseUrl) {
  const response = await fetch(`${baseUrl}/api/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: DEMO_CREDENTIALS }),
  });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, token: undefined, problem: text.slice(0, 200) };
  return { status: 200, token: JSON.parse(text).user?.token };
}

/**
 * Our list and the baseline's must be the same bytes, or the comparison is unfair. Reports
 * whether they are, and where they first differ when not.
 */
/** One result from two rounds of the same target: means of the rates and latencies, sums of the counts. */
function meanOfRounds(first, second) {
  const mean = (key) => (first[key] + second[key]) / 2;
  return {
    ...first,
    requestsPerSecond: mean('requestsPerSecond'),
    latencyP50Ms: mean('latencyP50Ms'),
    latencyP99Ms: mean('latencyP99Ms'),
    non2xx: first.non2xx + second.non2xx,
    errors: first.errors + second.errors,
    timeouts: first.timeouts + second.timeouts,
    rounds: [first, second],
  };
}

async function compareLists(oursUrl, baselineUrl) {
  const [ours, baseline] = await Promise.all([fetch(oursUrl), fetch(baselineUrl)]);
  const [oursText, baselineText] = await Promise.all([ours.text(), baseline.text()]);
  const comparison = { oursStatus: ours.status, baselineStatus: baseline.status, identicalBytes: false };
  if (ours.status !== 200 || baseline.status !== 200) return comparison;
  comparison.identicalBytes = oursText === baselineText;
  if (!comparison.identicalBytes) {
    comparison.equalJson = isDeepStrictEqual(JSON.parse(oursText), JSON.parse(baselineText));
    let at = 0;
    while (at < oursText.length && oursText[at] === baselineText[at]) at += 1;
    comparison.firstDifference = {
      at,
      ours: oursText.slice(Math.max(0, at - 40), at + 60),
      baseline: baselineText.slice(Math.max(0, at - 40), at + 60),
    };
  }
  return comparison;
}

async function probe(target) {
  try {
    const response = await fetch(target.url, {
      method: target.method ?? 'GET',
      headers: target.headers,
      body: target.body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    // For lists, also how many articles matched: an empty feed would make its numbers meaningless.
    const count = /"articlesCount":(\d+)/.exec(text)?.[1];
    // GraphQL answers its errors with 200: count them as a failed probe.
    if (text.startsWith('{"errors"')) return { status: 0, error: `GraphQL errors: ${text.slice(0, 200)}` };
    return count === undefined
      ? { status: response.status }
      : { status: response.status, articlesCount: Number(count) };
  } catch (error) {
    return { status: 0, error: error.cause?.code ?? error.message };
  }
}

/** Fails with one line saying what is needed when no PostgreSQL server answers. */
async function requireServer(url) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `npm run bench needs a PostgreSQL server and none answers at ${redact(url)} (${error.code ?? error.message}); ` +
        'start one or set BENCH_DATABASE_URL=postgres://user@host:5432/postgres',
    );
  } finally {
    await client.end().catch(() => {});
  }
}

async function main(children) {
  const startedAt = new Date();
  const options = readOptions();
  const serverUrl = process.env.BENCH_DATABASE_URL?.trim() || process.env.DATABASE_URL?.trim() || DEFAULT_SERVER_URL;
  const directUrl =
    process.env.BENCH_DATABASE_DIRECT_URL?.trim() || process.env.DATABASE_DIRECT_URL?.trim() || undefined;
  const node = process.execPath;

  const build = await step('build (npm run build)', () =>
    children.run('build', ...npmInvocation('build'), { cwd: ROOT, timeoutMs: 180_000 }),
  );

  // The compiled helpers, so that the runner creates databases exactly as `initdb` and the specs do.
  const { recreateOwnedDatabase, withDatabaseName } = require(path.join(ROOT, 'dist/src/db/server-databases.js'));
  const { setDatabaseStatementTimeout } = require(path.join(ROOT, 'dist/src/db/server-databases.js'));
  // What the server and the baseline query (the pooler, when there is one) …
  const benchUrl = withDatabaseName(serverUrl, BENCH_DATABASE);
  // … and where the database is made: PostgreSQL itself.
  const adminUrl = directUrl ? withDatabaseName(directUrl, BENCH_DATABASE) : benchUrl;
  const pooler = directUrl ? { DATABASE_POOLER: 'transaction', DATABASE_DIRECT_URL: adminUrl } : {};
  const cliEnv = { DATABASE_URL: adminUrl, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
  const cli = ['dist/src/cli/main.js'];

  await requireServer(serverUrl);
  if (directUrl) await requireServer(directUrl);
  const database = await step(`recreate database ${redact(adminUrl)}`, async () => {
    await recreateOwnedDatabase(adminUrl, 'bench');
    // The statement_timeout the server cannot send through the pooler (as in production: README, Scaling out).
    if (directUrl) await setDatabaseStatementTimeout(adminUrl, STATEMENT_TIMEOUT_MS);
  });
  const initdb = await step('initdb (CLI)', () =>
    children.run('initdb', node, [...cli, 'initdb'], { cwd: ROOT, env: cliEnv, timeoutMs: 60_000 }),
  );
  const seedArgs = Object.entries(SEED_COUNTS).flatMap(([name, count]) => [`--${name}`, String(count)]);
  const seed = await step(`seed (CLI: seed ${seedArgs.join(' ')})`, () =>
    children.run('seed', node, [...cli, 'seed', ...seedArgs], { cwd: ROOT, env: cliEnv, timeoutMs: 120_000 }),
  );
  const seedPhases = [...seed.result.matchAll(/^(\w+): (\d+) in ([\d.]+) s$/gm)].map((match) => ({
    phase: match[1],
    rows: Number(match[2]),
    seconds: Number(match[3]),
  }));
  const seedSummary = seed.result
    .trim()
    .split('\n')
    .slice(-seedPhases.length - 2);
  for (const line of seedSummary) console.log(`    ${line}`);

  const analyze = await step('vacuum analyze', () => vacuumAnalyze(adminUrl));

  const [serverPort, baselinePort] = await Promise.all([freePort(), freePort()]);
  const ours = `http://127.0.0.1:${serverPort}`;
  const baseline = `http://127.0.0.1:${baselinePort}`;
  const serverEnv = {
    DATABASE_URL: benchUrl,
    ...pooler,
    PORT: String(serverPort),
    NODE_ENV: 'production',
    JWT_SECRET: BENCH_JWT_SECRET,
    LOG_LEVEL: 'warn',
    MIGRATE_ON_START: 'false',
    DB_POOL_MAX,
    // The abuse limits stay on (each login pays its counter upsert, as in production), but every
    // client here shares one address: the per-address login limit is raised out of the way.
    RATE_LIMIT_LOGIN_PER_IP: '1000000000/15m',
  };
  const baselineEnv = { DATABASE_URL: benchUrl, PORT: String(baselinePort), DB_POOL_MAX, JWT_SECRET: BENCH_JWT_SECRET };
  // --stack-floor: the stack floor where our server runs, on its port, with the baseline's settings.
  const startServer = () =>
    options.stackFloor
      ? children.start('floor', node, [path.join(__dirname, 'floor-server.js')], {
          cwd: ROOT,
          env: { ...baselineEnv, PORT: String(serverPort) },
        })
      : children.start('server', node, ['dist/src/server.js'], { cwd: ROOT, env: serverEnv });
  if (options.versusDirect && options.stackFloor)
    throw new Error('--versus-direct and --stack-floor exclude each other');
  if (options.versusDirect && !directUrl) throw new Error('--versus-direct needs BENCH_DATABASE_DIRECT_URL');
  // --versus-direct: the same server past the pooler, in the baseline's place.
  const directServerEnv = { ...serverEnv, DATABASE_URL: adminUrl, PORT: String(baselinePort) };
  delete directServerEnv.DATABASE_POOLER;
  delete directServerEnv.DATABASE_DIRECT_URL;
  const startBaseline = () =>
    options.versusDirect
      ? children.start('direct', node, ['dist/src/server.js'], { cwd: ROOT, env: directServerEnv })
      : children.start('baseline', node, [path.join(__dirname, 'baseline-server.js')], { cwd: ROOT, env: baselineEnv });
  // The same first request for both: a page of the list, which needs the database.
  const firstPage = (base) => `${base}/api/articles?limit=1`;

  // Spawn to first 200, each process alone on the machine, alternating, so neither competes with
  // the other for the CPU while it loads its modules.
  const spawn = await step(`spawn → first 200, ${options.spawnRounds} rounds each, alternating`, async () => {
    const rounds = { ours: [], baseline: [] };
    for (let round = 0; round < options.spawnRounds; round += 1) {
      for (const [side, start, base] of [
        ['ours', startServer, ours],
        ['baseline', startBaseline, baseline],
      ]) {
        const started = performance.now();
        const child = start();
        await waitUntilReady(child, firstPage(base), 30_000, 5);
        rounds[side].push(Math.round(performance.now() - started));
        await children.stop(child);
      }
    }
    const summary = { ours: median(rounds.ours), baseline: median(rounds.baseline), rounds };
    if (options.spawnRounds > 0) {
      console.log(
        `    median ${summary.ours} ms ${options.stackFloor ? 'floor' : 'ours'}, ${summary.baseline} ms baseline ` +
          `(${(summary.ours / summary.baseline).toFixed(2)}×); rounds ${JSON.stringify(rounds)}`,
      );
    }
    return summary;
  });

  let server;
  let baselineServer;
  await step(`start the server (${ours}) and the baseline (${baseline})`, async () => {
    server = startServer();
    baselineServer = startBaseline();
    await Promise.all([
      waitUntilReady(server, options.stackFloor ? firstPage(ours) : `${ours}/health`, 30_000),
      waitUntilReady(baselineServer, firstPage(baseline), 30_000),
    ]);
  });
  const memory = { fresh: { ours: rssMb(server.pid), baseline: rssMb(baselineServer.pid) } };
  console.log(`    RSS fresh: ${memory.fresh.ours} MB ours, ${memory.fresh.baseline} MB baseline`);

  const picked = await pickTargets(benchUrl);
  // The floor has no login route: its token is signed here, for the same account.
  const login = options.stackFloor ? await demoToken(benchUrl) : await logIn(ours);
  if (!login.token) {
    console.log(`    warning: demo login answered ${login.status} (${login.problem}); /feed will run without a token`);
  }
  const loginBody = JSON.stringify({ user: DEMO_CREDENTIALS });
  const authorization = login.token ? { authorization: `Token ${login.token}` } : {};
  const newArticleBody = JSON.stringify({
    article: {
      title: 'How to train your dragon',
      description: 'Ever wonder how?',
      body: 'You have to believe in yourself.',
      tagList: ['dragons', 'training'],
    },
  });
  const postArticle = (base) => ({
    url: `${base}/api/articles`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization },
    body: newArticleBody,
  });
  // What the other side of each pair is called: the bare baseline, or our server on the direct URL.
  const other = options.versusDirect ? 'direct' : 'baseline';
  // And what the first side is: our server, or the stack floor.
  const self = options.stackFloor ? 'floor' : 'ours';
  // Pairs: our route and the baseline's, measured back to back, and again at the end in the other
  // order (see below). The write pair goes last so that the reads before it see the seeded data.
  const targets = [
    {
      name: `${options.stackFloor ? 'floor ' : ''}GET /api/articles?limit=20`,
      url: `${ours}/api/articles?limit=20`,
      pair: 'list',
      side: 'ours',
    },
    {
      name: `${other} GET /api/articles?limit=20`,
      url: `${baseline}/api/articles?limit=20`,
      pair: 'list',
      side: 'baseline',
    },
    {
      name: `${options.stackFloor ? 'floor ' : ''}GET /api/user`,
      url: `${ours}/api/user`,
      headers: authorization,
      pair: 'user',
      side: 'ours',
    },
    {
      name: `${other} GET /api/user`,
      url: `${baseline}/api/user`,
      headers: authorization,
      pair: 'user',
      side: 'baseline',
    },
    {
      // The same 20-article page through GraphQL, with the fields the REST list returns.
      name: 'POST /graphql articles(limit: 20)',
      url: `${ours}/graphql`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: GRAPHQL_LIST_BODY,
    },
    { name: 'GET /api/articles', url: `${ours}/api/articles` },
    { name: `GET /api/articles?tag=${picked.tag}`, url: `${ours}/api/articles?tag=${encodeURIComponent(picked.tag)}` },
    {
      name: `GET /api/articles?search=${picked.searchWord}`,
      url: `${ours}/api/articles?search=${encodeURIComponent(picked.searchWord)}`,
    },
    {
      name: 'GET /api/articles/feed',
      url: `${ours}/api/articles/feed`,
      headers: authorization,
    },
    { name: 'GET /api/articles/:slug', url: `${ours}/api/articles/${picked.slug}` },
    { name: 'GET /api/articles/:slug/comments', url: `${ours}/api/articles/${picked.slug}/comments` },
    { name: 'GET /api/tags', url: `${ours}/api/tags` },
    {
      name: 'POST /api/users/login',
      url: `${ours}/api/users/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: loginBody,
    },
    {
      name: `${options.stackFloor ? 'floor ' : ''}POST /api/articles`,
      ...postArticle(ours),
      pair: 'create',
      side: 'ours',
    },
    { name: `${other} POST /api/articles`, ...postArticle(baseline), pair: 'create', side: 'baseline' },
  ].filter((target) => !options.stackFloor || target.pair);

  const listComparison = await compareLists(targets[0].url, targets[1].url);
  if (listComparison.identicalBytes) {
    console.log('    check: our list and the baseline list are byte-identical');
  } else {
    console.log(`    warning: our list and the baseline list differ: ${JSON.stringify(listComparison)}`);
  }
  const probes = {};
  for (const target of targets) probes[target.name] = await probe(target);
  for (const [name, probed] of Object.entries(probes)) {
    if (probed.status < 200 || probed.status >= 300) {
      console.log(`    warning: ${name} answers ${probed.error ?? probed.status}; measuring anyway`);
    } else if (probed.articlesCount === 0) {
      console.log(`    warning: ${name} lists no articles`);
    }
  }

  const { skipAbuse, ...settings } = options;
  const measured = await step(
    `load: ${targets.length} endpoints × (${options.warmupSeconds} s warm-up + ${options.durationSeconds} s), ` +
      `${options.connections} connections`,
    async () => {
      const results = [];
      const once = async (target, round) => {
        const result = await measure(children, target, settings);
        const label = round === 2 ? ' (round 2)' : '';
        console.log(`    ${target.name.padEnd(40)} ${result.requestsPerSecond.toFixed(1).padStart(9)} req/s${label}`);
        return { ...result, pair: target.pair, side: target.side };
      };
      const secondRound = async (target) => {
        const again = await once(target, 2);
        const index = results.findIndex((r) => r.name === target.name);
        results[index] = { ...meanOfRounds(results[index], again), pair: target.pair, side: target.side };
      };
      // Reads first, on the seeded data. The list pair goes first, while the server is least
      // warmed up, and the machine drifts: every read pair runs again after the other reads, in
      // the other order, and each side's row is the mean of both rounds.
      const reads = targets.filter((target) => target.pair !== 'create');
      for (const target of reads) results.push(await once(target, 1));
      for (const target of reads.filter((t) => t.pair).reverse()) await secondRound(target);
      // Then the write pair, both rounds back to back (ours, baseline, baseline, ours): its
      // thousands of new articles would otherwise be what the reads' second round measured.
      const writes = targets.filter((target) => target.pair === 'create');
      for (const target of writes) results.push(await once(target, 1));
      for (const target of [...writes].reverse()) await secondRound(target);
      return results;
    },
  );
  const results = measured.result;

  // Ordinary requests with and without hostile many-key bodies in flight, back to back.
  let abuse;
  if (!skipAbuse && !options.stackFloor) {
    const hostile = manyKeysBody(ABUSE_BODY_BYTES);
    const loadedName = `GET /api/tags, ${ABUSE_SENDERS} hostile bodies in flight`;
    const { result } = await step(
      `abuse: GET /api/tags quiet, then while ${ABUSE_SENDERS} clients post ${hostile.bytes}-byte bodies ` +
        `with ${hostile.keys} keys to /api/users/login back to back`,
      async () => {
        const tags = { url: `${ours}/api/tags` };
        const quiet = await measure(children, { ...tags, name: 'GET /api/tags, quiet (abuse baseline)' }, settings);
        const senders = startHostileSenders(`${ours}/api/users/login`, hostile.body, ABUSE_SENDERS);
        let loaded;
        let seen;
        try {
          loaded = await measure(children, { ...tags, name: loadedName }, settings);
        } finally {
          seen = await senders.stop();
        }
        console.log(
          `    p99 ${quiet.latencyP99Ms} ms quiet, ` +
            (loaded.requestsTotal === 0
              ? `no request answered in ${settings.durationSeconds} s under abuse; `
              : `${loaded.latencyP99Ms} ms under abuse (${loaded.requestsTotal} answered); `) +
            'hostile bodies: ' +
            `${seen.sent} answered ${JSON.stringify(seen.statuses)}, p50 ${seen.latencyP50Ms} ms, max ${seen.latencyMaxMs} ms`,
        );
        return {
          quiet,
          loaded,
          hostile: { keys: hostile.keys, bytes: hostile.bytes, senders: ABUSE_SENDERS, ...seen },
        };
      },
    );
    abuse = result;
    results.push(abuse.quiet, abuse.loaded);
  }

  const memoryAfterLoad = { ours: rssMb(server.pid), baseline: rssMb(baselineServer.pid) };
  memory.afterLoad = memoryAfterLoad;
  if (options.idleSeconds > 0) {
    await step(`idle ${options.idleSeconds} s, then RSS again`, async () => {
      await new Promise((resolve) => setTimeout(resolve, options.idleSeconds * 1000));
      memory.afterIdle = { ours: rssMb(server.pid), baseline: rssMb(baselineServer.pid), seconds: options.idleSeconds };
    });
  }
  const ratios = pairRatios(results);
  const finishedAt = new Date();

  console.log('');
  console.log(formatTable(results));
  console.log('');
  for (const ratio of ratios) {
    console.log(
      `${self}/${other} req/s for ${ratio.route}: ${ratio.ratio.toFixed(2)} ` +
        `(${ratio.ours.toFixed(1)} vs ${ratio.baseline.toFixed(1)})` +
        (ratio.oursNon2xx > 0 ? ' — ours answered non-2xx, so the ratio means nothing' : ''),
    );
  }
  console.log(
    `RSS MB (${self} / baseline): fresh ${memory.fresh.ours} / ${memory.fresh.baseline}, ` +
      `after the load ${memory.afterLoad.ours} / ${memory.afterLoad.baseline}` +
      (memory.afterIdle
        ? `, after ${memory.afterIdle.seconds} s idle ${memory.afterIdle.ours} / ${memory.afterIdle.baseline}`
        : ''),
  );
  if (options.spawnRounds > 0) {
    console.log(
      `spawn → first 200 (median of ${options.spawnRounds}): ${spawn.result.ours} ms ${self}, ` +
        `${spawn.result.baseline} ms baseline (${(spawn.result.ours / spawn.result.baseline).toFixed(2)}×)`,
    );
  }
  const troubled = results.filter((r) => r.errors > 0 || r.timeouts > 0);
  for (const r of troubled) console.log(`note: ${r.name}: ${r.errors} connection errors, ${r.timeouts} timeouts`);

  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    totalSeconds: (finishedAt - startedAt) / 1000,
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      postgres: picked.postgresVersion,
    },
    database: redact(benchUrl),
    // Set when the server and the baseline ran through a transaction pooler (DATABASE_URL above).
    directDatabase: directUrl ? redact(adminUrl) : undefined,
    settings: { ...settings, dbPoolMax: Number(DB_POOL_MAX), host: '127.0.0.1' },
    timings: {
      buildSeconds: build.elapsedMs / 1000,
      recreateDatabaseSeconds: database.elapsedMs / 1000,
      initdbSeconds: initdb.elapsedMs / 1000,
      seedSeconds: seed.elapsedMs / 1000,
      vacuumAnalyzeSeconds: analyze.elapsedMs / 1000,
      loadSeconds: measured.elapsedMs / 1000,
    },
    seed: { counts: SEED_COUNTS, phases: seedPhases },
    targets: {
      tag: picked.tag,
      tagArticles: picked.tagArticles,
      slug: picked.slug,
      slugComments: picked.slugComments,
      searchWord: picked.searchWord,
      searchArticles: picked.searchArticles,
      demoLoginStatus: login.status,
    },
    checks: { listComparison, probes },
    // With --stack-floor, "ours" in these fields is the stack floor.
    stackFloor: options.stackFloor,
    listRatioOursToBaseline: ratios.find((r) => r.pair === 'list')?.ratio,
    ratios,
    memoryMb: memory,
    spawnToFirst200Ms: spawn.result,
    abuse: abuse && {
      hostile: abuse.hostile,
      quietP99Ms: abuse.quiet.latencyP99Ms,
      underAbuseP99Ms: abuse.loaded.latencyP99Ms,
    },
    results,
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, file)} (total ${seconds(finishedAt - startedAt)})`);
}

function runWithCleanup() {
  const children = new Children();
  let finished = false;
  const finish = async (code, message) => {
    if (finished) return;
    finished = true;
    if (message) console.error(message);
    await children.stopAll(5_000);
    process.exit(code);
  };
  const deadline = setTimeout(
    () => finish(1, `error: the benchmark did not finish within ${RUN_DEADLINE_MS / 60_000} minutes`),
    RUN_DEADLINE_MS,
  );
  process.on('SIGINT', () => finish(130, 'interrupted; stopping child processes'));
  process.on('SIGTERM', () => finish(143, 'terminated; stopping child processes'));
  main(children).then(
    () => {
      clearTimeout(deadline);
      return finish(0);
    },
    (error) => {
      clearTimeout(deadline);
      return finish(1, `error: ${error instanceof Error ? error.message : error}`);
    },
  );
}

runWithCleanup();
