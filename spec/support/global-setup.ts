import { DatabaseOwnershipError } from '../../src/db/server-databases';
import { takeContractViolations } from './api-contracts';
import { startTestEnvironment, stopTestEnvironment } from './test-env';

/** Mocha global fixtures: migrate one test database for the whole run, close it at the end. */
export async function mochaGlobalSetup() {
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
  await stopTestEnvironment();
}

function failOnContractViolations() {
  const problems = takeContractViolations();
  if (problems.length > 0) {
    throw new Error(`responses outside the API contract:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Root hooks: every response a spec got through `api()` was checked against the contracts; the
 * spec whose responses broke them fails here (after each test, and once more at the end for
 * requests sent from `after` hooks).
 */
export const mochaHooks = {
  afterEach: failOnContractViolations,
  afterAll: failOnContractViolations,
};
