import http from 'node:http';
import { ExchangeError, type Reply, type RequestOptions, request } from './http-client';

export interface Outcome {
  /** When the request was sent, ms since the load started. */
  at: number;
  ms: number;
  method: string;
  status?: number;
  retryAfter?: string;
  connectionClose?: boolean;
  body?: string;
  /** Transport failure (ECONNRESET, ECONNREFUSED, ...) instead of a response. */
  error?: string;
  /** What the client sent, for checking writes afterwards (e.g. an article title). */
  tag?: string;
}

export interface LoadOptions {
  port: number;
  clients: number;
  /** Keep sending while this says so. */
  running: () => boolean;
  /** The next request of `client` (its `n`-th), and a tag to remember it by. */
  next: (client: number, n: number) => RequestOptions & { tag?: string };
  /** Stop a client at its first transport failure (after a shutdown: the server is gone). */
  stopOnError?: boolean;
}

/**
 * Closed-loop load: each client sends a request, waits for its answer, sends the next, over its
 * own keep-alive connection (like a browser or a service behind a pool).
 */
export async function runLoad(options: LoadOptions): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const started = performance.now();
  const client = async (id: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let n = 0; options.running(); n++) {
        const { tag, ...req } = options.next(id, n);
        const at = performance.now() - started;
        try {
          const reply: Reply = await request(options.port, { ...req, agent });
          outcomes.push({
            at,
            ms: reply.ms,
            method: req.method ?? 'GET',
            status: reply.status,
            retryAfter: reply.headers['retry-after'] as string | undefined,
            connectionClose: reply.headers.connection === 'close',
            body: reply.body,
            tag,
          });
        } catch (error) {
          const failure = error as ExchangeError;
          outcomes.push({ at, ms: failure.ms ?? 0, method: req.method ?? 'GET', error: failure.code, tag });
          if (options.stopOnError) return;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, id) => client(id)));
  return outcomes;
}

/** `{ "201": 830, "503": 412, "ECONNRESET": 0 }` */
export function countBy(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = outcome.error ?? String(outcome.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
