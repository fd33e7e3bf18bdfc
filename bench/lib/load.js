const path = require('node:path');

// The autocannon CLI, run with this same Node: a separate process, so the load generator never
// shares an event loop with the runner (or the servers).
const AUTOCANNON_CLI = path.join(path.dirname(require.resolve('autocannon/package.json')), 'autocannon.js');

/**
 * One autocannon run against `target` ({ name, url, method?, headers?, body? }): a warm-up, then
 * `durationSeconds` of measurement over `connections` keep-alive connections. Resolves with the
 * numbers the report needs plus autocannon's full result.
 */
async function measure(children, target, { connections, durationSeconds, warmupSeconds }) {
  const args = [AUTOCANNON_CLI, '--json', '-c', String(connections), '-d', String(durationSeconds)];
  if (warmupSeconds > 0) args.push('-W', '[', '-c', String(connections), '-d', String(warmupSeconds), ']');
  if (target.method) args.push('-m', target.method);
  for (const [name, value] of Object.entries(target.headers ?? {})) args.push('-H', `${name}=${value}`);
  if (target.body !== undefined) args.push('-b', target.body);
  args.push(target.url);

  const output = await children.run(`autocannon ${target.name}`, process.execPath, args, {
    // Generous: autocannon itself stops on time; this only catches a hung run.
    timeoutMs: (durationSeconds + warmupSeconds + 20) * 1_000,
  });
  const result = lastJsonLine(output);
  if (!result) throw new Error(`autocannon ${target.name} printed no JSON result:\n${output.slice(-2_000)}`);
  return {
    name: target.name,
    method: target.method ?? 'GET',
    url: target.url,
    requestsPerSecond: result.requests.average,
    requestsTotal: result.requests.total,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyAverageMs: result.latency.average,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
    autocannon: result,
  };
}

/** autocannon --json prints newline-delimited JSON (the warm-up, then the result); the result is last. */
function lastJsonLine(output) {
  const lines = output.split('\n').filter((line) => line.trim().startsWith('{'));
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    try {
      const parsed = JSON.parse(lines[i]);
      if (parsed.requests && parsed.latency) return parsed;
    } catch {
      // A partial or foreign line: keep looking.
    }
  }
  return undefined;
}

module.exports = { measure };
