import net from 'node:net';

export type ProxyMode = 'open' | 'cut' | 'frozen';

/**
 * A loopback TCP proxy in front of PostgreSQL that fails the way networks and servers do:
 *
 * - `cut()`: every connection is destroyed and new ones are refused (a stopped server);
 * - `freeze()`: sockets stay open but no byte moves either way, and new connections are accepted
 *   and left hanging (a server stuck on I/O, a partitioned network);
 * - `restore()`: bytes held during a freeze are delivered, new connections go through again.
 *
 * "Refused" while cut: the listener is closed, so the kernel answers RST (ECONNREFUSED), exactly
 * what a client sees when PostgreSQL is down. The port is kept and re-bound on restore.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly pairs = new Set<Pair>();
  private mode: ProxyMode = 'open';
  private boundPort = 0;
  /** Connections accepted since start, for scenarios that check the database was not touched. */
  connectionsAccepted = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get state(): ProxyMode {
    return this.mode;
  }

  async start(): Promise<void> {
    await this.listen();
  }

  async cut(): Promise<void> {
    this.mode = 'cut';
    for (const pair of this.pairs) pair.destroy();
    this.pairs.clear();
    await this.closeListener();
  }

  freeze(): void {
    this.mode = 'frozen';
    for (const pair of this.pairs) pair.pause();
  }

  async restore(): Promise<void> {
    const wasCut = this.mode === 'cut';
    this.mode = 'open';
    if (wasCut) await this.listen();
    for (const pair of this.pairs) pair.resume();
  }

  async stop(): Promise<void> {
    for (const pair of this.pairs) pair.destroy();
    this.pairs.clear();
    await this.closeListener();
  }

  private listen(): Promise<void> {
    const server = net.createServer((client) => this.accept(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => {
        server.off('error', reject);
        this.boundPort = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  private closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.connectionsAccepted += 1;
    if (this.mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    const pair = new Pair(client, upstream, () => this.pairs.delete(pair));
    this.pairs.add(pair);
    if (this.mode === 'frozen') pair.pause();
  }
}

/** One client connection and its upstream twin; bytes flow only while not paused. */
class Pair {
  private paused = false;
  private readonly held: Array<[net.Socket, Buffer]> = [];
  private closed = false;

  constructor(
    private readonly client: net.Socket,
    private readonly upstream: net.Socket,
    private readonly onClose: () => void,
  ) {
    this.forward(client, upstream);
    this.forward(upstream, client);
    for (const socket of [client, upstream]) {
      socket.on('error', () => this.destroy());
      socket.on('close', () => this.destroy());
    }
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const [to, chunk] of this.held.splice(0)) to.write(chunk);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    // resetAndDestroy sends RST, like a server process that died; plain destroy would send FIN.
    reset(this.client);
    reset(this.upstream);
    this.onClose();
  }

  private forward(from: net.Socket, to: net.Socket): void {
    from.on('data', (chunk: Buffer) => {
      // While frozen the bytes are kept, not dropped: TCP would have delivered them eventually.
      if (this.paused) this.held.push([to, chunk]);
      else to.write(chunk);
    });
  }
}

function reset(socket: net.Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    // Not connected yet (no handle to reset): a plain destroy is all there is.
    socket.destroy();
  }
}
