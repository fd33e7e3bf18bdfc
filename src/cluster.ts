import cluster, { type Worker } from 'node:cluster';
import net from 'node:net';
import type { AppConfig } from './config/config';
import { listen, StartupError, urlOf } from './http/http-server';
import type { Logger } from './logger';

/**
 * `WEB_CONCURRENCY=N` (N > 1): the primary of `npm start`. It owns the port and serves no request
 * itself: it migrates once, forks N workers (each a whole server, src/server.ts) and hands each new
 * connection to the next worker that serves, replaces a worker that dies, drains them all on
 * SIGTERM/SIGINT and replaces them one at a time on SIGHUP/SIGUSR2. Everything a request needs
 * lives in PostgreSQL, so any worker can answer any request.
 *
 * Why not node:cluster's own port sharing: its primary accepts connections eagerly and, once the
 * last worker has closed its listener, closes those it still holds: clients reconnecting during a
 * shutdown saw ECONNRESET (9 of 142 requests in the reliability scenario). Here the primary stops
 * listening first (new clients are refused, as by a single server), and a worker is told to drain
 * by an IPC message sent after every connection it was given, so none is lost on the way.
 */

/** The message a worker sends once it serves the app (database open), and the env naming its slot. */
export const WORKER_READY = 'conduit:worker-ready';
/** Primary → worker: a connection to serve (the socket travels with it), then: drain and exit. */
export const WORKER_CONNECTION = 'conduit:connection';
export const WORKER_DRAIN = 'conduit:drain';
export const WORKER_SLOT_ENV = 'CONDUIT_WORKER_SLOT';

/** Crashes within CRASH_WINDOW_MS that make the primary give up: the workers are crash-looping. */
export const CRASH_LIMIT = 5;
const CRASH_WINDOW_MS = 60_000;
/** The first replacement after a crash waits this long, doubled per recent crash. */
const RESPAWN_BASE_MS = 250;
/** After the grace period, how long the primary still waits for draining workers before killing them. */
const KILL_AFTER_GRACE_MS = 5_000;

export interface PrimaryOptions {
  config: AppConfig;
  logger: Logger;
  /** Applies pending migrations (the server's own start-up sequence, waiting for the database). */
  migrate: () => Promise<void>;
}

interface WorkerState {
  worker: Worker;
  slot: number;
  ready: boolean;
  /** Stopped on purpose (rolling restart or shutdown): its exit is not a crash. */
  retiring: boolean;
  exited: Promise<number | null>;
}

/** Runs the primary until it stops; resolves with the process's exit code. */
export function runPrimary(options: PrimaryOptions): Promise<number> {
  return new ClusterPrimary(options).run();
}

class ClusterPrimary {
  private readonly serving = new Map<number, WorkerState>();
  /** Every worker alive, candidates of a rolling restart included. */
  private readonly states = new Set<WorkerState>();
  private readonly crashes: number[] = [];
  private readonly respawns = new Set<NodeJS.Timeout>();
  private stopping: Promise<number> | undefined;
  private restarting = false;
  /** Every first worker served: a rolling restart before that would race the start-up. */
  private started = false;
  private finish: (code: number) => void = () => {};
  private listener: net.Server | undefined;
  /** Connections that came while no worker served yet (start-up, or every worker died). */
  private readonly waiting: net.Socket[] = [];
  private nextSlot = 0;

  constructor(private readonly options: PrimaryOptions) {}

  async run(): Promise<number> {
    const { config, logger } = this.options;
    if (!config.databaseUrl) {
      // One process owns the embedded data folder, and PGlite runs one query at a time: workers
      // sharing it through the primary would add processes, not throughput.
      throw new StartupError(
        `WEB_CONCURRENCY=${config.webConcurrency} needs DATABASE_URL: the embedded database belongs to one process (unset WEB_CONCURRENCY, or use a PostgreSQL server)`,
      );
    }
    // Bound first, as the single server does: a taken port fails in one line before any database
    // work. Connections wait (paused) until a worker serves.
    const listener = net.createServer({ pauseOnConnect: true }, (socket) => this.dispatch(socket));
    const address = await listen(listener, config.host, config.port);
    this.listener = listener;
    logger.info(
      { host: address.address, port: address.port, env: config.nodeEnv },
      `listening on ${urlOf(address)}${address.address === '0.0.0.0' || address.address === '::' ? ' (all interfaces)' : ''}`,
    );
    const done = new Promise<number>((resolve) => {
      this.finish = resolve;
    });
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void this.stop(signal, 0));
    for (const signal of ['SIGHUP', 'SIGUSR2'] as const) process.on(signal, () => void this.rollingRestart(signal));

    // Before any worker exists: N processes racing to apply one migration would fail or worse.
    if (config.migrateOnStart) await this.options.migrate();
    if (this.stopping) return done;
    logger.info({ workers: config.webConcurrency, pid: process.pid }, 'cluster primary: forking workers');

    const first = Array.from({ length: config.webConcurrency }, (_, i) => this.fork(i + 1));
    const started = await Promise.all(first.map((state) => this.whenReady(state)));
    if (started.every(Boolean) && !this.stopping) {
      this.started = true;
      logger.info({ workers: first.map((state) => state.worker.process.pid) }, 'all workers ready');
    } else if (!this.stopping) {
      // A worker that cannot start (a taken port, a bad setting) already said why in one line.
      void this.stop('a worker failed to start', 1);
    }
    return done;
  }

  /** A worker for `slot`; `candidate`: it takes the slot only once it serves (rolling restart). */
  private fork(slot: number, candidate = false): WorkerState {
    const { config } = this.options;
    const worker = cluster.fork({
      [WORKER_SLOT_ENV]: String(slot),
      // The primary migrated; workers only serve.
      MIGRATE_ON_START: 'false',
      // One in-process job worker is enough: jobs wait on mail servers, not on CPU, and one
      // poller keeps the idle queries and the SMTP concurrency what JOBS_* say. (More would be
      // safe: claims use SKIP LOCKED and schedules are singletons.)
      JOBS_WORKER_IN_PROCESS: String(config.jobs.workerInProcess && slot === 1),
    });
    const state: WorkerState = {
      worker,
      slot,
      ready: false,
      retiring: false,
      exited: new Promise((resolve) => worker.once('exit', (code) => resolve(code))),
    };
    worker.on('message', (message: unknown) => {
      if ((message as { type?: string } | null)?.type !== WORKER_READY) return;
      state.ready = true;
      this.dispatchWaiting();
    });
    worker.once('exit', (code, signal) => {
      this.states.delete(state);
      this.exited(state, code, signal);
    });
    this.states.add(state);
    if (!candidate) this.serving.set(slot, state);
    return state;
  }

  /** The next worker that serves, in turn; undefined when none does. */
  private nextServing(): WorkerState | undefined {
    const slots = [...this.serving.keys()].sort((a, b) => a - b);
    for (let i = 0; i < slots.length; i++) {
      const state = this.serving.get(slots[(this.nextSlot + i) % slots.length]);
      if (state?.ready && !state.retiring && state.worker.isConnected()) {
        this.nextSlot = (this.nextSlot + i + 1) % slots.length;
        return state;
      }
    }
    return undefined;
  }

  /** Hands `socket` to the next serving worker, or keeps it until one serves. */
  private dispatch(socket: net.Socket): void {
    const target = this.nextServing();
    if (!target) {
      this.waiting.push(socket);
      return;
    }
    target.worker.send({ type: WORKER_CONNECTION }, socket, (error) => {
      // The worker went away before it took the socket: another one gets it.
      if (error && !socket.destroyed) this.dispatch(socket);
    });
  }

  private dispatchWaiting(): void {
    while (this.waiting.length > 0 && this.nextServing()) this.dispatch(this.waiting.shift() as net.Socket);
  }

  /** Tells a worker to drain and exit, after every connection it was sent. */
  private retire(state: WorkerState): void {
    state.retiring = true;
    if (state.worker.isConnected()) state.worker.send({ type: WORKER_DRAIN });
    else if (!state.worker.isDead()) state.worker.process.kill('SIGTERM');
  }

  /** True once the worker serves; false if it exits first. */
  private whenReady(state: WorkerState): Promise<boolean> {
    if (state.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onMessage = (message: unknown) => {
        if ((message as { type?: string } | null)?.type !== WORKER_READY) return;
        state.worker.off('message', onMessage);
        resolve(true);
      };
      state.worker.on('message', onMessage);
      void state.exited.then(() => resolve(false));
    });
  }

  private exited(state: WorkerState, code: number | null, signal: string | null): void {
    const { logger } = this.options;
    const pid = state.worker.process.pid;
    if (state.retiring || this.stopping) {
      logger.info({ pid, slot: state.slot, code }, 'worker stopped');
      return;
    }
    // Only the worker serving its slot is replaced; a rolling restart's candidate that died
    // before serving leaves the old worker in place (see rollingRestart).
    if (this.serving.get(state.slot) !== state) {
      logger.error({ pid, slot: state.slot, code, signal }, 'new worker exited before it served');
      return;
    }
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes.length > 0 && this.crashes[0] < now - CRASH_WINDOW_MS) this.crashes.shift();
    if (this.crashes.length >= CRASH_LIMIT) {
      logger.error(
        { pid, slot: state.slot, code, signal, crashes: this.crashes.length, windowMs: CRASH_WINDOW_MS },
        'workers keep crashing: giving up',
      );
      void this.stop('crash loop', 1);
      return;
    }
    const delayMs = RESPAWN_BASE_MS * 2 ** (this.crashes.length - 1);
    logger.error({ pid, slot: state.slot, code, signal, respawnInMs: delayMs }, 'worker died: replacing it');
    const timer = setTimeout(() => {
      this.respawns.delete(timer);
      // Stopping, or a rolling restart's new worker took the slot meanwhile.
      if (this.stopping || this.serving.get(state.slot) !== state) return;
      const replacement = this.fork(state.slot);
      void this.whenReady(replacement).then((ready) => {
        if (ready) logger.info({ pid: replacement.worker.process.pid, slot: state.slot }, 'worker replaced');
      });
    }, delayMs);
    this.respawns.add(timer);
  }

  /**
   * Each worker in turn: a new one started and serving, then the old one drained (it stops
   * accepting; the primary hands new connections to the others). No request is dropped. Pending
   * migrations of a new build are applied first when MIGRATE_ON_START is on.
   */
  private async rollingRestart(signal: string): Promise<void> {
    const { logger, config } = this.options;
    if (this.stopping) return;
    if (this.restarting || !this.started) {
      logger.warn({ signal }, 'rolling restart: already restarting or still starting; signal ignored');
      return;
    }
    this.restarting = true;
    logger.info({ signal }, 'rolling restart');
    try {
      if (config.migrateOnStart) await this.options.migrate();
      for (const slot of [...this.serving.keys()].sort((a, b) => a - b)) {
        if (this.stopping) return;
        const fresh = this.fork(slot, true);
        if (!(await this.whenReady(fresh))) {
          // The old worker keeps serving; the new build (or the machine) needs a person.
          if (!this.stopping) logger.error({ slot }, 'rolling restart stopped: the new worker did not start');
          return;
        }
        if (this.stopping) return;
        // Read now: the old worker may have died and been replaced meanwhile.
        const old = this.serving.get(slot);
        this.serving.set(slot, fresh);
        this.dispatchWaiting();
        if (old) {
          this.retire(old);
          await old.exited;
        }
      }
      logger.info({ workers: [...this.serving.values()].map((s) => s.worker.process.pid) }, 'rolling restart done');
    } catch (error) {
      logger.error({ err: error }, 'rolling restart failed: the workers keep running');
    } finally {
      this.restarting = false;
    }
  }

  /** Drains every worker (each drains on SIGTERM), then finishes with `code`, or 1 if one did not exit 0. */
  private stop(reason: string, code: number): Promise<number> {
    this.stopping ??= (async () => {
      const { logger, config } = this.options;
      logger.info({ reason }, 'cluster primary: stopping the workers');
      for (const timer of this.respawns) clearTimeout(timer);
      // New clients are refused from now on; those already here are served before the drain.
      this.listener?.close();
      this.dispatchWaiting();
      for (const socket of this.waiting.splice(0)) socket.destroy();
      const states = [...this.states];
      for (const state of states) this.retire(state);
      const killer = setTimeout(() => {
        logger.error('workers still running after the grace period: killing them');
        for (const { worker } of states) if (!worker.isDead()) worker.process.kill('SIGKILL');
      }, config.shutdownGraceMs + KILL_AFTER_GRACE_MS);
      const codes = await Promise.all(states.map((state) => state.exited));
      clearTimeout(killer);
      const result = code !== 0 || codes.some((c) => c !== 0) ? 1 : 0;
      logger.info({ codes }, 'stopped');
      this.finish(result);
      return result;
    })();
    return this.stopping;
  }
}
