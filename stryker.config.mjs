// Stryker's configuration; `npm run mutate` (scripts/mutate.js) runs it and prints the score per
// module. MUTATE_REPORT_DIR (set by that script) gives each target its own report and incremental
// file: the incremental file holds only the files of the run that wrote it.
const reportDir = process.env.MUTATE_REPORT_DIR ?? 'reports/mutation/src';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'mocha',
  // .mocharc.json's requires: ts-node, spec/support/env.ts and the root hooks of global-setup.ts,
  // which start the spec environment (the runner ignores mocha's global fixtures).
  mochaOptions: { config: '.mocharc.json' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  // Each mutant runs only the specs that reached it; a mutant reached while modules load (a
  // "static" one) runs every spec, in a fresh worker.
  coverageAnalysis: 'perTest',
  mutate: ['src/**/*.ts', '!src/**/*.d.ts'],
  incremental: true,
  incrementalFile: `${reportDir}/incremental.json`,
  reporters: ['html', 'json', 'progress'],
  htmlReporter: { fileName: `${reportDir}/index.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  tempDirName: '.stryker-tmp',
  // Not copied into the sandbox: build output, databases, downloaded Node builds, reports.
  ignorePatterns: ['dist', '.data', '.cache', '.serverless', 'bench-results', 'coverage', 'scratch', 'reports', '.env'],
  concurrency: 2,
  timeoutMS: 60000,
  // The initial run is the whole suite with coverage: minutes on a busy machine.
  dryRunTimeoutMinutes: 30,
};
