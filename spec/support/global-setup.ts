import { startTestEnvironment, stopTestEnvironment } from './test-env';

/** Mocha global fixtures: migrate one test database for the whole run, close it at the end. */
export async function mochaGlobalSetup() {
  const { database, transport } = await startTestEnvironment();
  if (process.env.SPEC_VERBOSE) console.log(`specs on ${database.description}, transport ${transport}`);
}

export async function mochaGlobalTeardown() {
  await stopTestEnvironment();
}
