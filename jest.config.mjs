// Jest runs every part's tests: unit tests next to the code, the server's end-to-end tests, and
// the cross-part, browser and fault tests of test/src.
//
//   npm test                                            build, then every test (what CI runs)
//   npm test -- server/dist/cards/cards.e2e.test.js     build, then one file (a path or a regex)
//   npm test -- -t 'card lifecycle'                     build, then the tests whose names match
//   npm run test:watch                                  tsc and Jest watching together
//   npm run test:coverage                               every test, then a coverage summary
//   node scripts/run-tests.mjs server/dist/cards        without building first
//
// Why it is set up this way:
// - Jest runs the compiled ES modules in <part>/dist rather than transforming the .ts sources:
//   TypeScript 7 has no JavaScript API for ts-jest, and NestJS and TypeORM need the decorator
//   metadata that only tsc emits; the tests then run exactly the code that ships. tsc's source
//   maps are picked up, so failures and coverage point at .ts lines.
// - ES modules in Jest need node's VM modules (`--experimental-vm-modules`); scripts/run-tests.mjs
//   starts Jest with it. Test files import describe/test/jest/... from @jest/globals, since
//   there are no injected globals in ESM.
// - Each file gets its own module registry, so module state (TypeORM's metadata storage, Nest's
//   decorators, prom-client's registry) is as fresh as it was with one process per file. Native
//   addons (better-sqlite3, sqlite3, the serialport bindings) are loaded once per worker by node
//   itself; worker threads (the agent's permission worker) and child processes run natively.
// - That registry is a realm of its own: what node's own APIs return (res.json() of fetch,
//   fs.readdir, events.once, Buffers, their errors) comes from the main realm. node:assert's deep
//   equality compares prototypes, so tests import it through @acs/shared/testing/assert, which
//   lets a deep comparison pass when the realm is the only difference; `instanceof` against a
//   built-in class across that line is false, so tests check names or duck types instead.
// - Skips say why: describeUnless(reason)/testUnless(reason) from @acs/shared/testing/jest-support
//   put the reason in the skipped name, and scripts/jest-summary-reporter.mjs lists them at the end
//   with the closing `N passed, N failed, N skipped` line.
// - Per-test cleanup is onTestFinished() from the same module, run after each test by
//   scripts/jest-setup.mjs, which also ends faked timers and spies with their test.
// - No --forceExit: a test that leaves a socket, server or timer behind is a bug to fix. Jest
//   shows it as a worker that "failed to exit gracefully" (which a very busy machine can also
//   cause), and `npm test -- <file> --detectOpenHandles` names the handle.
const parts = ['shared', 'hardware-sim', 'edge-agent', 'server', 'test'];

export default {
  rootDir: '.',
  roots: parts.map((part) => `<rootDir>/${part}/dist`),
  testMatch: ['**/*.test.js'],
  testEnvironment: 'node',
  // The files are already JavaScript; nothing to transform.
  transform: {},
  setupFilesAfterEnv: ['<rootDir>/scripts/jest-setup.mjs'],
  // node's runner had no default timeout; the slowest single tests (migrations from every past
  // schema, the role table, backups) take up to two and a half minutes on a busy 2-core machine.
  // Tests that need a limit of their own still set it.
  testTimeout: 10 * 60_000,
  // Two files at a time keeps a 2-core machine busy without starving the servers the tests start.
  maxWorkers: Number(process.env.ACS_TEST_CONCURRENCY ?? 2),
  // Each test file's module registry is new; a worker that grew past this is replaced.
  workerIdleMemoryLimit: '1GB',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.mjs'],
  coverageProvider: 'v8',
  collectCoverageFrom: parts
    .map((part) => `<rootDir>/${part}/dist/**/*.js`)
    .concat(['!**/*.test.js', '!**/testing/**', '!**/test-support/**']),
  coverageReporters: ['text-summary', 'lcov'],
};
