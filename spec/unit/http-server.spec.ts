import http from 'node:http';
import net from 'node:net';
import { expect } from 'chai';
import { ConnectionDrainer } from '../../src/http/connection-drainer';
import { createHttpServer, listen, StartupError, urlOf } from '../../src/http/http-server';

const timeouts = { httpHeadersTimeoutMs: 1000, httpRequestTimeoutMs: 1500, httpKeepAliveTimeoutMs: 5000 };

function startServer(): Promise<{ server: http.Server; port: number; drainer: ConnectionDrainer }> {
  const server = createHttpServer(timeouts);
  const drainer = new ConnectionDrainer(server);
  server.on('request', (_request, response: http.ServerResponse) => {
    response.setHeader('content-type', 'text/plain');
    response.end('ok');
  });
  return listen(server, '127.0.0.1', 0).then((address) => ({ server, port: address.port, drainer }));
}

/** Sends `data` and never finishes the request; resolves with how long the server kept the socket. */
function msUntilCut(port: number, data: string): Promise<number> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(data));
    const patience = setTimeout(() => socket.destroy(), 10_000);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(patience);
      resolve(performance.now() - started);
    });
  });
}

describe('createHttpServer', () => {
  it('enforces the configured header and request timeouts within a second (Node checks every 30 s by default)', async () => {
    const { server, port } = await startServer();
    try {
      const [headers, body] = await Promise.all([
        msUntilCut(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '),
        msUntilCut(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{"a":'),
      ]);
      expect(headers).to.be.within(900, 2100);
      expect(body).to.be.within(1400, 2600);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('explains a taken port in one line', async () => {
    const { server, port } = await startServer();
    try {
      const second = createHttpServer(timeouts);
      const error = await listen(second, '127.0.0.1', port).then(
        () => expect.fail('listen should fail'),
        (failure: Error) => failure,
      );
      expect(error).to.be.instanceOf(StartupError);
      expect(error.message).to.equal(
        `cannot listen on 127.0.0.1:${port}: port ${port} is already in use (another server running?); stop it or set PORT`,
      );
    } finally {
      server.close();
    }
  });

  it('explains in one line a HOST that is not an address of this machine', async () => {
    for (const host of ['203.0.113.7']) {
      const error = await listen(createHttpServer(timeouts), host, 0).then(
        () => expect.fail('listen should fail'),
        (failure: Error) => failure,
      );
      expect(error).to.be.instanceOf(StartupError);
      expect(error.name).to.equal('StartupError');
      expect(error.message).to.equal(
        `cannot listen on ${host}:0: ${host} is not an address of this machine; check HOST`,
      );
    }
  });

  it('names the address actually bound', () => {
    expect(urlOf({ address: '127.0.0.1', family: 'IPv4', port: 3000 })).to.equal('http://127.0.0.1:3000');
    expect(urlOf({ address: '::', family: 'IPv6', port: 80 })).to.equal('http://[::]:80');
  });
});

describe('ConnectionDrainer', () => {
  it('answers a request on an open keep-alive connection with Connection: close, then finishes', async () => {
    const { port, drainer } = await startServer();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<http.IncomingMessage>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
            response.resume();
            response.on('end', () => resolve(response));
          })
          .on('error', reject);
      });
    try {
      expect((await get()).headers.connection).to.equal('keep-alive');
      const drained = drainer.drain(5000);
      // The same (still open) connection: answered, and told to close.
      const during = await get();
      expect(during.statusCode).to.equal(200);
      expect(during.headers.connection).to.equal('close');
      expect(await drained).to.equal(true);
      const refused = await get().then(
        () => '',
        (error: NodeJS.ErrnoException) => error.code,
      );
      expect(refused).to.equal('ECONNREFUSED');
    } finally {
      agent.destroy();
    }
  });

  it('closes a keep-alive connection that stays idle, after a short pause, and finishes', async () => {
    const { port, drainer } = await startServer();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await new Promise<void>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
            response.resume();
            response.on('end', resolve);
          })
          .on('error', reject);
      });
      const started = performance.now();
      expect(await drainer.drain(5000)).to.equal(true);
      // Not at once (a client may be sending on it right now), and not at the grace period.
      expect(performance.now() - started).to.be.within(400, 1500);
    } finally {
      agent.destroy();
    }
  });

  it('gives up at the grace period when a request never finishes', async () => {
    const server = createHttpServer(timeouts);
    const drainer = new ConnectionDrainer(server);
    server.on('request', () => {}); // never answers
    const { port } = await listen(server, '127.0.0.1', 0);
    const request = http.get({ host: '127.0.0.1', port, path: '/' });
    request.on('error', () => {});
    await new Promise((resolve) => server.once('request', resolve));
    const started = performance.now();
    expect(await drainer.drain(300)).to.equal(false);
    expect(performance.now() - started).to.be.within(250, 1000);
  });
});
