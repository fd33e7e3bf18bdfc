import http from 'node:http';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

/** A failed exchange: the error code (ECONNRESET, ECONNREFUSED, ...) and how long it took. */
export class ExchangeError extends Error {
  constructor(
    readonly code: string,
    readonly ms: number,
  ) {
    super(code);
  }
}

export interface RequestOptions {
  method?: string;
  path: string;
  body?: unknown;
  token?: string;
  agent?: http.Agent;
  timeoutMs?: number;
}

/** One request to the server on 127.0.0.1; rejects with ExchangeError on a transport failure. */
export function request(port: number, options: RequestOptions): Promise<Reply> {
  const started = performance.now();
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        agent: options.agent ?? false,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(options.token ? { authorization: `Token ${options.token}` } : {}),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started }),
        );
        res.on('error', (error: NodeJS.ErrnoException) =>
          reject(new ExchangeError(error.code ?? error.message, performance.now() - started)),
        );
      },
    );
    req.setTimeout(options.timeoutMs ?? 30_000, () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'CLIENT_TIMEOUT' })),
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(new ExchangeError(error.code ?? error.message, performance.now() - started)),
    );
    req.end(payload);
  });
}

/** Registers a fresh user and returns its token. */
export async function registerUser(port: number, name: string): Promise<string> {
  const reply = await request(port, {
    method: 'POST',
    path: '/api/users',
    body: { user: { username: name, email: `${name}@example.com`, password: 'password-for-reliability' } },
  });
  if (reply.status !== 201) throw new Error(`registration failed: ${reply.status} ${reply.body}`);
  return (JSON.parse(reply.body) as { user: { token: string } }).user.token;
}
