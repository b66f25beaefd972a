#!/usr/bin/env node
// Runs every compiled test file of every part with node's test runner. `npm test`
// builds first. Integration tests against the machine's PostgreSQL/Mosquitto run only
// when ACS_TEST_POSTGRES_URL / ACS_TEST_MQTT_URL are set (.ci/run sets them); browser
// tests need /usr/bin/chromium. Each skipped test prints its reason.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const parts = ['shared', 'hardware-sim', 'edge-agent', 'server', 'test'];
const dirs = parts.map((p) => join(p, 'dist')).filter((d) => existsSync(join(root, d)));
const extra = process.argv.slice(2);

const child = spawn(
  process.execPath,
  ['--test', '--test-reporter=spec', `--test-concurrency=${process.env.ACS_TEST_CONCURRENCY ?? 2}`, ...extra, ...dirs],
  { cwd: root, stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
