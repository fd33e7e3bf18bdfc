/** Plain-text rendering of the benchmark results: one table, numbers right-aligned. */

const COLUMNS = [
  { title: 'endpoint', align: 'left', value: (r) => r.name },
  { title: 'req/s', align: 'right', value: (r) => r.requestsPerSecond.toFixed(1) },
  // autocannon reports latency 0 when nothing was answered at all; that is no latency.
  { title: 'p50 ms', align: 'right', value: (r) => (r.requestsTotal === 0 ? 'none' : String(r.latencyP50Ms)) },
  { title: 'p99 ms', align: 'right', value: (r) => (r.requestsTotal === 0 ? 'none' : String(r.latencyP99Ms)) },
  { title: 'non-2xx', align: 'right', value: (r) => String(r.non2xx) },
];

function formatTable(results) {
  const cells = results.map((result) => COLUMNS.map((column) => column.value(result)));
  const widths = COLUMNS.map((column, i) => Math.max(column.title.length, ...cells.map((row) => row[i].length)));
  const line = (values) =>
    values
      .map((value, i) => (COLUMNS[i].align === 'left' ? value.padEnd(widths[i]) : value.padStart(widths[i])))
      .join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(COLUMNS.map((column) => column.title)), rule, ...cells.map(line)].join('\n');
}

module.exports = { formatTable };
