/**
 * The hostile side of the abuse row: JSON bodies packed with as many short keys as fit under the
 * server's body limit, posted without a token to the login route, back to back on a few
 * connections, while autocannon measures an ordinary request. Such a body once held the event
 * loop for 8-12 s (class-transformer is quadratic in an object's key count); the row shows what
 * ordinary callers feel while they are in flight.
 */

/** `{"user":{"email":…,"password":…,"0":1,"1":1,…}}` of at most `maxBytes`, and its key count. */
function manyKeysBody(maxBytes) {
  const head = '{"user":{"email":"abuse@example.com","password":"password123"';
  const parts = [head];
  let length = head.length + 2;
  let keys = 0;
  for (;;) {
    const part = `,"${keys.toString(36)}":1`;
    if (length + part.length > maxBytes) break;
    parts.push(part);
    length += part.length;
    keys += 1;
  }
  parts.push('}}');
  return { body: parts.join(''), keys, bytes: length };
}

/**
 * Starts `senders` loops that each post `body` to `url` and, as soon as the answer arrives, post
 * it again. `stop()` ends them and resolves with what they saw.
 */
function startHostileSenders(url, body, senders) {
  let stopped = false;
  const statuses = {};
  const latenciesMs = [];
  const controller = new AbortController();
  const loop = async () => {
    while (!stopped) {
      const started = performance.now();
      let status;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: controller.signal,
        });
        await response.arrayBuffer();
        status = String(response.status);
      } catch (error) {
        status = error.cause?.code ?? error.name;
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      latenciesMs.push(performance.now() - started);
    }
  };
  const loops = Array.from({ length: senders }, loop);
  return {
    async stop() {
      stopped = true;
      // Let the bodies in flight finish: how long one takes is the figure that matters (the event
      // loop is blocked for about that long). Only a server that never answers is cut off.
      const cutOff = setTimeout(() => controller.abort(), 60_000);
      await Promise.all(loops);
      clearTimeout(cutOff);
      latenciesMs.sort((a, b) => a - b);
      const at = (q) => (latenciesMs.length ? Math.round(latenciesMs[Math.floor(q * (latenciesMs.length - 1))]) : 0);
      return { sent: latenciesMs.length, statuses, latencyP50Ms: at(0.5), latencyMaxMs: at(1) };
    },
  };
}

module.exports = { manyKeysBody, startHostileSenders };
