import http from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import type { AppConfig } from '../config/config';

/**
 * How often Node checks headersTimeout and requestTimeout. Its default is 30 s, so a 10 s header
 * timeout was really enforced somewhere between 10 and 40 s (issue 7, item 14); 1 s makes the
 * configured values the enforced ones, give or take a second, for one cheap sweep a second.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

type TimeoutSettings = Pick<AppConfig, 'httpHeadersTimeoutMs' | 'httpRequestTimeoutMs' | 'httpKeepAliveTimeoutMs'>;

/** The HTTP server with the configured timeouts; requests are handled by whoever listens to 'request'. */
export function createHttpServer(config: TimeoutSettings): http.Server {
  const server = http.createServer({
    headersTimeout: config.httpHeadersTimeoutMs,
    requestTimeout: config.httpRequestTimeoutMs,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
  });
  server.keepAliveTimeout = config.httpKeepAliveTimeoutMs;
  return server;
}

/** A start-up failure that one line explains; printed without a stack. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** Binds `server`; rejects with a one-line StartupError when the address cannot be used. */
export function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(describeListenError(error, host, port));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function describeListenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartupError(
        `cannot listen on ${where}: port ${port} is already in use (another server running?); stop it or set PORT`,
      );
    case 'EACCES':
      return new StartupError(
        `cannot listen on ${where}: permission denied (ports below 1024 need privileges); set PORT`,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartupError(`cannot listen on ${where}: ${host} is not an address of this machine; check HOST`);
    default:
      return error;
  }
}

/** `http://127.0.0.1:3000`, `http://[::1]:3000`: the address actually bound, for the log. */
export function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
