import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * `npm run offline:smoke`: starts `npm run offline` (the Lambda behind serverless-offline's
 * emulated API Gateway) on free ports, then walks the basic journey through it: GET /, register,
 * the worker function (invoked through the Lambda Invoke API) running the welcome-mail job the
 * registration queued, login, GET /api/user, create an article, list articles. Exits non-zero on
 * the first wrong answer.
 * CI runs it; it uses a fresh in-memory embedded database unless DATABASE_URL is set.
 */

const ROOT = path.resolve(__dirname, '..');
const START_TIMEOUT_MS = 120_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntilServing(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm run offline exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${base}/`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`serverless offline did not answer within ${START_TIMEOUT_MS / 1000} s`);
}

async function call(base: string, method: string, route: string, body?: unknown, token?: string) {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Token ${token}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json: json as Record<string, Record<string, unknown>> };
}

function check(condition: unknown, what: string) {
  if (!condition) throw new Error(`smoke check failed: ${what}`);
  console.log(`  ok  ${what}`);
}

/** Invokes a function through serverless-offline's AWS Lambda Invoke API, as `aws lambda invoke` would. */
async function invoke(
  lambdaBase: string,
  functionName: string,
): Promise<{ status: number; json: Record<string, number> }> {
  const response = await fetch(`${lambdaBase}/2015-03-31/functions/${functionName}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const text = await response.text();
  try {
    return { status: response.status, json: JSON.parse(text) };
  } catch {
    throw new Error(`the ${functionName} invocation answered ${response.status}: ${text.slice(0, 500)}`);
  }
}

async function journey(base: string, lambdaBase: string, output: () => string) {
  const hello = await call(base, 'GET', '/');
  check(hello.status === 200 && hello.text === 'Hello World!', 'GET / answers 200 "Hello World!"');

  const name = `smoke${randomBytes(4).toString('hex')}`;
  const user = { username: name, email: `${name}@example.com`, password: 'password123' };
  const registered = await call(base, 'POST', '/api/users', { user });
  check(registered.status === 201 && registered.json?.user?.username === name, 'POST /api/users registers (201)');

  // The registration queued its welcome mail; the worker function runs it (mail logged: no SMTP_URL).
  // serverless-offline also runs the function on its schedule (every minute), and that run may
  // have taken the job first: then the mail is in the output and this invocation finds nothing.
  const worker = await invoke(lambdaBase, 'koa-conduit-local-worker');
  const mailedByTheSchedule = () =>
    output().includes(`"to":"${user.email}"`) && output().includes('mail not sent (SMTP_URL is unset)');
  check(
    worker.status === 200 &&
      worker.json.failed === 0 &&
      worker.json.retried === 0 &&
      (worker.json.done >= 1 || mailedByTheSchedule()),
    `the worker function ran the queued welcome-mail job (${JSON.stringify(worker.json)}` +
      `${worker.json.done >= 1 ? '' : ', done by the scheduled run'})`,
  );
  const drained = await invoke(lambdaBase, 'koa-conduit-local-worker');
  check(drained.status === 200 && drained.json.claimed === 0, 'a second worker invocation finds the queue drained');

  const login = await call(base, 'POST', '/api/users/login', { user: { email: user.email, password: user.password } });
  const token = String(login.json?.user?.token ?? '');
  check(login.status === 200 && token.length > 0, 'POST /api/users/login returns a token (200)');

  const me = await call(base, 'GET', '/api/user', undefined, token);
  check(me.status === 200 && me.json?.user?.email === user.email, 'GET /api/user with the token (200)');

  const created = await call(
    base,
    'POST',
    '/api/articles',
    { article: { title: 'Smoke over Lambda', description: 'd', body: 'b', tagList: ['smoke'] } },
    token,
  );
  const slug = String(created.json?.article?.slug ?? '');
  check(created.status === 201 && slug.startsWith('smoke-over-lambda-'), 'POST /api/articles creates an article (201)');

  const list = await call(base, 'GET', `/api/articles?author=${name}`);
  const articles = (list.json?.articles ?? []) as unknown as { slug: string }[];
  check(list.status === 200 && articles.length === 1 && articles[0].slug === slug, 'GET /api/articles lists it (200)');

  const unauthorized = await call(base, 'GET', '/api/user');
  check(
    unauthorized.status === 401 && Array.isArray(unauthorized.json?.errors?.body),
    'GET /api/user without a token: 401 in the error shape',
  );
}

async function main() {
  const port = await freePort();
  const lambdaPort = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OFFLINE_PORT: String(port),
    OFFLINE_LAMBDA_PORT: String(lambdaPort),
  };
  if (!env.DATABASE_URL) env.PGLITE_DATA_DIR = 'memory://';
  // Its own process group, so the whole tree (npm, ts-node, osls, workers) stops together.
  const child = spawn('npm', ['run', 'offline'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  let failed = false;
  try {
    console.log(`offline smoke on ${base}`);
    await waitUntilServing(base, child);
    await journey(base, `http://127.0.0.1:${lambdaPort}`, () => output);
    console.log('offline smoke: passed');
  } catch (error) {
    failed = true;
    console.error(String(error));
    console.error('--- npm run offline output ---\n', output.slice(-4000));
  } finally {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();
