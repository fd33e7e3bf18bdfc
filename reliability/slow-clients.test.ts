import net from 'node:net';
import { expect } from 'chai';
import { recordFigures } from './support/figures';
import { startProxy, startServerBehind } from './support/suite';

const HEADERS_TIMEOUT_MS = 2000;
const REQUEST_TIMEOUT_MS = 3000;
/** Give up waiting well before Node's default 30 s check would cut the connection. */
const CLIENT_PATIENCE_MS = 12_000;

/** Opens a connection, sends `data`, and resolves with how long the server kept it open. */
function msUntilCut(port: number, data: string): Promise<number> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(data));
    const done = () => {
      clearTimeout(patience);
      resolve(performance.now() - started);
    };
    const patience = setTimeout(() => socket.destroy(), CLIENT_PATIENCE_MS);
    socket.on('data', () => {});
    socket.on('close', done);
    socket.on('error', () => {});
  });
}

/**
 * Issue 7, item 14: the configured header and request timeouts are the enforced ones (Node
 * checks them every connectionsCheckingInterval, 30 s by default).
 */
describe('slow clients', () => {
  it('cuts slow headers and slow bodies within the configured timeouts (+1 s)', async () => {
    const proxy = await startProxy();
    const { server, port } = await startServerBehind(proxy, {
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    const [headersCutMs, bodyCutMs] = await Promise.all([
      msUntilCut(port, 'GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '),
      msUntilCut(
        port,
        'POST /api/users/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user":',
      ),
    ]);
    recordFigures('slow clients (headers timeout 2 s, request timeout 3 s)', {
      headersCutAfterMs: Math.round(headersCutMs),
      bodyCutAfterMs: Math.round(bodyCutMs),
    });
    expect(headersCutMs).to.be.below(HEADERS_TIMEOUT_MS + 1000);
    expect(bodyCutMs).to.be.below(REQUEST_TIMEOUT_MS + 1000);
    server.kill('SIGTERM');
    await server.exited;
    await proxy.stop();
  });
});
