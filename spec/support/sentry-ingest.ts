import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** The parts of a Sentry error event the specs read. */
export interface IngestedEvent {
  event_id: string;
  environment?: string;
  release?: string;
  tags?: Record<string, string>;
  user?: { id?: string };
  exception?: { values?: { type?: string; value?: string }[] };
  request?: unknown;
}

export interface SentryIngest {
  /** A DSN that sends to this server: `http://publickey@127.0.0.1:<port>/1`. */
  dsn: string;
  /** Every envelope POSTed to /api/1/envelope/, as received (decompressed). */
  envelopes: string[];
  /** The error events among their items. */
  events: IngestedEvent[];
  close(): Promise<void>;
}

/**
 * A loopback stand-in for Sentry's ingest endpoint: the real SDK sends to it, and the specs read
 * what arrived. An envelope is newline-delimited JSON: a header, then an item header and its
 * payload per item (https://develop.sentry.dev/sdk/data-model/envelopes/).
 */
export async function startSentryIngest(): Promise<SentryIngest> {
  const envelopes: string[] = [];
  const events: IngestedEvent[] = [];
  const server = createServer((request, response) => {
    readBody(request).then((body) => {
      if (request.method === 'POST' && request.url?.startsWith('/api/1/envelope/')) {
        const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
        envelopes.push(text);
        events.push(...eventsOf(text));
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    envelopes,
    events,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function eventsOf(envelope: string): IngestedEvent[] {
  const [, ...lines] = envelope.split('\n').filter(Boolean);
  const events: IngestedEvent[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    if ((JSON.parse(lines[i]) as { type?: string }).type === 'event') events.push(JSON.parse(lines[i + 1]));
  }
  return events;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
