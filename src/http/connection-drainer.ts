import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import net from 'node:net';

/**
 * A connection with nothing in flight is closed once it has been idle this long during a drain.
 * Closing it at once races a keep-alive client that is sending its next request at that moment:
 * its bytes meet a closed socket and it sees ECONNRESET (2 of 372 requests in the reliability
 * scenario). Busy clients send within a millisecond or two and get `Connection: close` instead;
 * a client quiet for this long is very unlikely to be mid-send.
 */
const IDLE_CLOSE_AFTER_MS = 500;
const SWEEP_EVERY_MS = 100;

interface ConnectionState {
  inFlight: number;
  idleSince: number;
}

/**
 * Graceful shutdown for keep-alive clients (issue 7, item 10).
 *
 * `server.close()` only stops accepting: a client that keeps its connection open and keeps
 * sending would be answered forever, and close() never completes. After `drain()`:
 * - the listener is closed, so new connections are refused;
 * - every response not yet started, and every request that still arrives on an open connection,
 *   is answered normally but with `Connection: close`, so the client moves on after it and Node
 *   closes the socket once the response is sent;
 * - connections idle for IDLE_CLOSE_AFTER_MS are closed;
 * - the promise resolves true when the last connection is gone, or false when the grace period
 *   ends first, after destroying what is left.
 *
 * Register it before the application's 'request' listener so the header is set first.
 */
export class ConnectionDrainer {
  private readonly connections = new Map<net.Socket, ConnectionState>();
  private readonly pending = new Set<ServerResponse>();
  private draining = false;
  private onEmpty: (() => void) | undefined;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: net.Socket) => this.trackConnection(socket));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.trackResponse(request, response));
  }

  drain(graceMs: number): Promise<boolean> {
    this.draining = true;
    for (const response of this.pending) askToClose(response);
    return new Promise((resolve) => {
      const sweep = setInterval(() => this.closeIdleConnections(), SWEEP_EVERY_MS);
      const finish = (drained: boolean) => {
        clearInterval(sweep);
        clearTimeout(deadline);
        resolve(drained);
      };
      const deadline = setTimeout(() => {
        for (const socket of this.connections.keys()) socket.destroy();
        finish(false);
      }, graceMs);
      this.onEmpty = () => finish(true);
      // net.Server's close, not http.Server's: since Node 19 the latter also destroys every idle
      // connection at once, which is the race described at IDLE_CLOSE_AFTER_MS.
      net.Server.prototype.close.call(this.server);
      if (this.connections.size === 0) this.onEmpty();
    });
  }

  private closeIdleConnections(): void {
    const now = Date.now();
    for (const [socket, state] of this.connections) {
      if (state.inFlight === 0 && now - state.idleSince >= IDLE_CLOSE_AFTER_MS) socket.destroy();
    }
  }

  private trackConnection(socket: net.Socket): void {
    this.connections.set(socket, { inFlight: 0, idleSince: Date.now() });
    socket.once('close', () => {
      this.connections.delete(socket);
      if (this.connections.size === 0) this.onEmpty?.();
    });
  }

  private trackResponse(request: IncomingMessage, response: ServerResponse): void {
    if (this.draining) askToClose(response);
    const state = this.connections.get(request.socket);
    if (state) state.inFlight += 1;
    this.pending.add(response);
    response.once('close', () => {
      this.pending.delete(response);
      if (state) {
        state.inFlight -= 1;
        state.idleSince = Date.now();
      }
    });
  }
}

/** Node sees this header and closes the connection after the response (res._last). */
function askToClose(response: ServerResponse): void {
  if (!response.headersSent) response.setHeader('Connection', 'close');
}
