import net from 'node:net';
import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { buildOrmOptions } from '../../mikro-orm.config';
import { knexLog } from '../../src/db/database';
import { watchUnansweredQueries } from '../../src/db/unanswered-queries';
import { capturingLogger, LEVEL } from '../support/log-capture';
import { testEnvironment } from '../support/test-env';

/**
 * A TCP relay to the spec database that can stall: while frozen, what the database sends back is
 * held (a frozen network or server), and delivered when it thaws.
 */
async function stallingRelay(target: URL) {
  let frozen = false;
  let connections = 0;
  const held: { client: net.Socket; chunk: Buffer }[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    connections += 1;
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (frozen) held.push({ client, chunk });
      else client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target.href);
  url.host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    url: url.href,
    /** How many connections the ORM has opened through the relay. */
    get connections() {
      return connections;
    },
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const { client, chunk } of held.splice(0)) if (!client.destroyed) client.write(chunk);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The outcome of a promise, or 'pending' if it has none after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<{ value?: T; error?: Error } | 'pending'> {
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: Error) => ({ error }),
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

describe('unanswered queries (the client-side backstop for a frozen database)', function () {
  this.timeout(30_000);
  const TIMEOUT_MS = 300;
  let relay: Awaited<ReturnType<typeof stallingRelay>>;
  let orm: MikroORM;
  let stopWatching: () => void;
  const log = capturingLogger();
  const select = (sql = 'select 1 as one') => orm.em.getConnection().execute<{ one: number }[]>(sql);

  before(async () => {
    relay = await stallingRelay(new URL(testEnvironment().database.url));
    const options = buildOrmOptions({ ...testEnvironment().config, dbPoolMax: 1 });
    orm = await MikroORM.init({
      ...options,
      clientUrl: relay.url,
      // As openDatabase does: knex's messages go to the log.
      driverOptions: { ...options.driverOptions, log: knexLog(log.logger) },
    });
    stopWatching = watchUnansweredQueries(orm, TIMEOUT_MS);
  });

  afterEach(() => relay.thaw());

  after(async () => {
    stopWatching();
    await orm.close(true);
    await relay.close();
  });

  it('leaves answered queries and their connection alone, however long the connection then idles', async () => {
    expect(await select()).to.deep.equal([{ one: 1 }]);
    // Several sweeps later, the idle connection (the pool's only one) is still the one in use.
    const opened = relay.connections;
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS * 3));
    expect(await select()).to.deep.equal([{ one: 1 }]);
    expect(relay.connections).to.equal(opened);
  });

  it('closes the connection of a query still unanswered after the timeout, not before: it fails at once', async () => {
    await select();
    relay.freeze();
    const started = Date.now();
    const outcome = await within(select(), 5_000);
    const elapsed = Date.now() - started;
    expect(outcome).to.not.equal('pending');
    expect((outcome as { error?: Error }).error, 'the query failed').to.be.an('error');
    expect(elapsed).to.be.at.least(TIMEOUT_MS);
  });

  it('replaces the closed connection: the next query is answered', async () => {
    expect(await select()).to.deep.equal([{ one: 1 }]);
  });

  it("logs knex's word on the closed connection as a JSON line, not on the console", () => {
    const line = log.lines.find((entry) => entry.orm === 'knex');
    expect(line, JSON.stringify(log.lines)).to.include({ level: LEVEL.warn });
    expect(line?.msg).to.match(/^Connection Error: .*Connection (ended|terminated)/);
  });

  it('watches nothing once stopped: a stalled query waits for its answer', async () => {
    stopWatching();
    try {
      await select();
      relay.freeze();
      const query = select();
      expect(await within(query, TIMEOUT_MS * 4)).to.equal('pending');
      relay.thaw();
      expect(await query).to.deep.equal([{ one: 1 }]);
    } finally {
      stopWatching = watchUnansweredQueries(orm, TIMEOUT_MS);
    }
  });
});
