#!/usr/bin/env node
// Runs every part's compiled tests with Jest (jest.config.mjs says how, and why over dist/).
// `npm test` builds first. Arguments go to Jest: a file (`npm test -- server/dist/cards/cards.e2e.test.js`),
// `-t <name pattern>`, `--coverage`, or `--watch`, which also keeps `tsc -b --watch` compiling so
// that a saved .ts file reruns the tests that depend on it. ACS_TEST_CONCURRENCY sets the number
// of test files run at once (2 by default). Integration tests against the machine's PostgreSQL and
// Mosquitto run only when ACS_TEST_POSTGRES_URL / ACS_TEST_MQTT_URL are set (.ci/run sets them);
// browser tests need Chromium. Every skipped test says why.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const jestArgs = process.argv.slice(2);
const watching = jestArgs.some((arg) => arg === '--watch' || arg === '--watchAll');

let compiler;
if (watching) {
  // Only compiler errors are worth interleaving with Jest's interactive screen.
  // In its own process group: tsc's launcher starts the compiler as a child of its own.
  compiler = spawn(
    process.execPath,
    [join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc'), '-b', '--watch', '--preserveWatchOutput'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    },
  );
  compiler.stdout.setEncoding('utf8').on('data', (text) => {
    for (const line of text.split('\n')) if (/error TS\d+/.test(line)) process.stderr.write(`tsc: ${line}\n`);
  });
}

// Jest loads the compiled ES modules through node's VM modules, still behind a flag on Node 20;
// its workers inherit these options.
const jest = spawn(
  process.execPath,
  ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', require.resolve('jest/bin/jest'), ...jestArgs],
  { cwd: root, stdio: 'inherit' },
);
const stopCompiler = () => {
  if (compiler?.exitCode === null) process.kill(-compiler.pid, 'SIGTERM');
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    jest.kill(signal);
    stopCompiler();
  });
}
jest.on('exit', (code, signal) => {
  stopCompiler();
  process.exit(signal ? 1 : (code ?? 1));
});
