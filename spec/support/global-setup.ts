// Nothing from src/ (nor a support file that reaches it) is imported at the top of this file: it
// is loaded before the specs, and under Stryker before a static mutant is activated, so a
// module-level line of src/ evaluated here would run unmutated and its mutants survive for the
// wrong reason. Each hook loads what it needs when it runs.

import path from 'node:path';

/** Mocha global fixtures: migrate one test database for the whole run, close it at the end. */
export async function mochaGlobalSetup() {
  const { DatabaseOwnershipError } = await import('../../src/db/server-databases');
  const { startTestEnvironment } = await import('./test-env');
  try {
    const { database, transport } = await startTestEnvironment();
    if (process.env.SPEC_VERBOSE) console.log(`specs on ${database.description}, transport ${transport}`);
  } catch (error) {
    // A refusal to touch someone else's database is an answer, not a crash: one line, no stack.
    if (error instanceof DatabaseOwnershipError) {
      console.error(`npm test: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

export async function mochaGlobalTeardown() {
  const { stopTestEnvironment } = await import('./test-env');
  await stopTestEnvironment();
}

/**
 * Runners that ignore mocha's global fixtures (Stryker's mocha runner) start the environment
 * here, once per process, before the first spec. It is never stopped by a hook: such a runner
 * runs the root hooks again for every mutant, and the process ends with the run (an in-memory
 * embedded database goes with it; a server database left behind is dropped by the next run).
 * A run of spec/unit/ files only needs no database, and Stryker restarts its worker for every
 * static mutant, so there it is not started at all.
 */
async function startEnvironmentOnce(this: Mocha.Context) {
  const { isTestEnvironmentStarted } = await import('./test-env');
  if (isTestEnvironmentStarted() || onlyUnitSpecs(this.test?.parent)) return;
  await mochaGlobalSetup();
}

function onlyUnitSpecs(root: Mocha.Suite | undefined): boolean {
  const files = root?.suites.map((suite) => suite.file) ?? [];
  const unit = path.resolve('spec', 'unit') + path.sep;
  return files.length > 0 && files.every((file) => file !== undefined && path.resolve(file).startsWith(unit));
}

async function failOnContractViolations() {
  const { takeContractViolations } = await import('./api-contracts');
  const problems = takeContractViolations();
  if (problems.length > 0) {
    throw new Error(`responses outside the API contract:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Under Stryker (its instrumented code defines `__stryker__`), which switches mutants inside one
 * process: each test builds its SQL statements afresh, so a statement cached by an earlier test
 * does not hide a mutant in the code that builds it.
 */
async function forgetCompiledStatementsUnderStryker() {
  if (!('__stryker__' in globalThis)) return;
  const { NamedSql } = await import('../../src/db/named-sql');
  NamedSql.forgetCompiled();
}

/**
 * Root hooks: every response a spec got through `api()` was checked against the contracts; the
 * spec whose responses broke them fails here (after each test, and once more at the end for
 * requests sent from `after` hooks).
 */
export const mochaHooks = {
  beforeAll: startEnvironmentOnce,
  beforeEach: forgetCompiledStatementsUnderStryker,
  afterEach: failOnContractViolations,
  afterAll: failOnContractViolations,
};
