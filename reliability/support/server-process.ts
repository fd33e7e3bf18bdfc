import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
/** The build, not ts-node: start-up in well under a second, and it is what `npm start` runs. */
const SERVER_ENTRY = path.join(ROOT, 'dist', 'src', 'server.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One real server process (`node dist/src/server.js`), its output kept line by line. Every
 * process started here is killed by `killAll()` so a failed scenario leaves nothing running.
 */
export class ServerProcess {
  private static readonly running = new Set<ServerProcess>();
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<Exit>;
  readonly startedAt = Date.now();
  private readonly child: ChildProcess;
  private exit: Exit | undefined;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [SERVER_ENTRY], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: '0',
        JWT_SECRET: 'reliability-secret-that-is-long-enough-for-production',
        MIGRATE_ON_START: 'true',
        // Every scenario's clients share one address; the limits are not what they test.
        RATE_LIMITS: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    collectLines(this.child.stdout!, this.stdout);
    collectLines(this.child.stderr!, this.stderr);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        ServerProcess.running.delete(this);
        resolve(this.exit);
      });
    });
    ServerProcess.running.add(this);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resolves with the port once the server logs that it listens; rejects if it exits first. */
  listening(timeoutMs = 20_000): Promise<number> {
    return this.waitForLog('listen', timeoutMs, () => this.loggedPort());
  }

  /** Resolves with the port once the server serves the app (database open). */
  ready(timeoutMs = 20_000): Promise<number> {
    return this.waitForLog('be ready', timeoutMs, () =>
      this.logEntries().some((entry) => entry.msg === 'ready') ? this.loggedPort() : undefined,
    );
  }

  /** Resolves with the port once a line with this message was logged (e.g. the cluster's 'all workers ready'). */
  logged(message: string, timeoutMs = 20_000): Promise<number> {
    return this.waitForLog(`log "${message}"`, timeoutMs, () =>
      this.logEntries().some((entry) => entry.msg === message) ? this.loggedPort() : undefined,
    );
  }

  private async waitForLog(what: string, timeoutMs: number, found: () => number | undefined): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const port = found();
      if (port) return port;
      if (this.exit)
        throw new Error(`server exited (${JSON.stringify(this.exit)}) before it could ${what}:\n${this.tail()}`);
      await sleep(25);
    }
    throw new Error(`server did not ${what} within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** The JSON log lines written so far (non-JSON lines left out). */
  logEntries(): Array<Record<string, unknown>> {
    return this.stdout.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.exit) this.child.kill(signal);
  }

  tail(lines = 30): string {
    return [...this.stdout.slice(-lines), ...this.stderr.slice(-lines)].join('\n');
  }

  static async killAll(): Promise<void> {
    const all = [...ServerProcess.running];
    for (const server of all) server.kill('SIGKILL');
    await Promise.all(all.map((server) => server.exited));
  }

  private loggedPort(): number | undefined {
    for (const entry of this.logEntries()) {
      if (typeof entry.msg === 'string' && entry.msg.startsWith('listening') && typeof entry.port === 'number') {
        return entry.port;
      }
    }
    return undefined;
  }
}

function collectLines(stream: NodeJS.ReadableStream, into: string[]): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    into.push(...lines);
  });
  stream.on('end', () => {
    if (partial) into.push(partial);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The messages of the 500s a server logged (at most `limit`), to explain a failed scenario. */
export function unhandledErrors(server: ServerProcess, limit = 3): string[] {
  return server
    .logEntries()
    .filter((entry) => entry.msg === 'unhandled error')
    .slice(0, limit)
    .map((entry) => {
      const err = entry.err as { type?: string; message?: string; code?: string } | undefined;
      return `${err?.type ?? '?'} ${err?.code ?? ''} ${String(err?.message ?? '').slice(0, 300)}`;
    });
}
