/**
 * The numbers each scenario measured, printed together when the suite ends so a run's report
 * can quote them.
 */
const figures: Array<{ scenario: string; values: Record<string, unknown> }> = [];

export function recordFigures(scenario: string, values: Record<string, unknown>): void {
  figures.push({ scenario, values });
  console.log(`      figures: ${JSON.stringify(values)}`);
}

export function printFigures(): void {
  if (figures.length === 0) return;
  console.log('\nReliability figures');
  for (const { scenario, values } of figures) {
    console.log(`  ${scenario}`);
    for (const [key, value] of Object.entries(values)) console.log(`    ${key}: ${JSON.stringify(value)}`);
  }
}

/** Percentile of a list of numbers (nearest rank), 0 for an empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
