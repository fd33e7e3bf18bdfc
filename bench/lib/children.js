const { spawn } = require('node:child_process');
const net = require('node:net');

/**
 * Child processes of one benchmark run. Every process started here is remembered until it exits,
 * so `stopAll()` (called on success, failure and Ctrl-C alike) leaves nothing running.
 */
class Children {
  constructor() {
    /** @type {Set<import('node:child_process').ChildProcess>} */
    this.running = new Set();
  }

  /** Starts `command` and returns the handle; output is collected (and echoed when `echo`). */
  start(name, command, args, { env, cwd, echo = false } = {}) {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.benchName = name;
    child.output = '';
    const collect = (stream) => (chunk) => {
      const text = chunk.toString();
      child.output += text;
      // Keep the tail only: a chatty server must not grow this without bound.
      if (child.output.length > 200_000) child.output = child.output.slice(-100_000);
      if (echo) stream.write(text);
    };
    child.stdout.on('data', collect(process.stdout));
    child.stderr.on('data', collect(process.stderr));
    child.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.running.delete(child);
        resolve({ code, signal });
      });
      child.on('error', (error) => {
        this.running.delete(child);
        child.output += `\n${error.message}`;
        resolve({ code: -1, signal: null });
      });
    });
    this.running.add(child);
    return child;
  }

  /**
   * Runs a command to completion within `timeoutMs`; resolves with its output, rejects with the
   * tail of its output when it fails or overruns.
   */
  async run(name, command, args, { timeoutMs, ...options } = {}) {
    const child = this.start(name, command, args, options);
    const timer = setTimeout(() => {
      child.output += `\n(killed after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    const { code, signal } = await child.exited;
    clearTimeout(timer);
    if (code !== 0) {
      throw new Error(`${name} failed (${signal ?? `exit ${code}`}):\n${tail(child.output)}`);
    }
    return child.output;
  }

  /** SIGTERM, then SIGKILL for whatever is still alive after `graceMs`. */
  async stop(child, graceMs = 5_000) {
    if (!this.running.has(child)) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await child.exited;
    clearTimeout(timer);
  }

  stopAll(graceMs) {
    return Promise.all([...this.running].map((child) => this.stop(child, graceMs)));
  }
}

function tail(text, lines = 30) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** A port that is free on 127.0.0.1 right now (the OS picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Polls `url` every `pollMs` until it answers 200, the child exits, or `timeoutMs` passes. A child
 * that dies while starting fails fast with its own output.
 */
async function waitUntilReady(child, url, timeoutMs, pollMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.exited.then(() => {
    exited = true;
  });
  let lastProblem = 'no answer';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child.benchName} exited while starting:\n${tail(child.output)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      lastProblem = `status ${response.status}`;
    } catch (error) {
      lastProblem = error.cause?.code ?? error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(
    `${child.benchName} not ready at ${url} within ${timeoutMs} ms (${lastProblem}):\n${tail(child.output)}`,
  );
}

module.exports = { Children, freePort, waitUntilReady, tail };
