import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy that sends each request to the next backend in turn (not each
 * connection: a keep-alive client still alternates), counting what each one got. The
 * two-process conformance run puts it in front of its servers, so consecutive requests of one
 * scenario (register, then log in, then read) land on different processes.
 */
export class RoundRobinProxy {
  /** Requests sent to each backend, in the order the ports were given. */
  readonly counts: number[];
  /** Requests no backend answered (answered 502 here). */
  failures = 0;
  private next = 0;
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly server: http.Server;

  constructor(private readonly backendPorts: number[]) {
    this.counts = backendPorts.map(() => 0);
    this.server = http.createServer((request, response) => this.forward(request, response));
  }

  /** Listens on a free loopback port; resolves with it. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    this.agent.destroy();
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private forward(request: http.IncomingMessage, response: http.ServerResponse): void {
    const backend = this.next;
    this.next = (this.next + 1) % this.backendPorts.length;
    this.counts[backend] += 1;
    const headers = { ...request.headers };
    // Hop-by-hop: this proxy keeps its own connections to the backends.
    delete headers.connection;
    delete headers['keep-alive'];
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: this.backendPorts[backend],
        method: request.method,
        path: request.url,
        headers,
        agent: this.agent,
      },
      (answer) => {
        const answerHeaders = { ...answer.headers };
        delete answerHeaders.connection;
        delete answerHeaders['keep-alive'];
        response.writeHead(answer.statusCode ?? 502, answerHeaders);
        answer.pipe(response);
      },
    );
    upstream.on('error', (error) => {
      this.failures += 1;
      if (response.headersSent) {
        response.destroy(error);
        return;
      }
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: { body: [`proxy: backend ${backend + 1}: ${error.message}`] } }));
    });
    request.pipe(upstream);
  }
}
