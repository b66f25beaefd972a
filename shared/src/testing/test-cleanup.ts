// Cleanup tied to the test that made the mess. Kept apart from jest-support.ts, which imports
// @jest/globals and so loads only inside Jest: test-support modules that the benchmarks share
// with the tests (the edge agent's broker helpers) import this one.

type Cleanup = () => unknown;

let currentTest: { cleanups: Cleanup[] } | undefined;

/**
 * Runs `cleanup` when the current test ends, pass or fail, after the suite's afterEach hooks:
 * the helpers that start a server, a broker or a temporary folder for one test register their
 * teardown here. Cleanups run in the order they were registered.
 */
export function onTestFinished(cleanup: Cleanup): void {
  if (!currentTest) throw new Error('onTestFinished() belongs inside a test (or its beforeEach); use afterAll for a whole suite');
  currentTest.cleanups.push(cleanup);
}

/** For scripts/jest-setup.mjs: a test (with its beforeEach hooks) is starting. */
export function testStarting(): void {
  currentTest = { cleanups: [] };
}

/**
 * The test has ended: every cleanup runs even when an earlier one threw; the failure (or all of
 * them) then fails the test.
 */
export async function runTestCleanups(): Promise<void> {
  const cleanups = currentTest?.cleanups ?? [];
  currentTest = undefined;
  const failures: unknown[] = [];
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} test cleanups failed`);
}
