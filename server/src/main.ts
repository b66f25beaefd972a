#!/usr/bin/env node
// Starts the server from environment variables (see config/server-config.ts) and stops it
// cleanly on SIGINT/SIGTERM.
import { ConfigError } from './config/server-config.js';
import { StartupError } from './common/startup-error.js';
import { DEMO_SIGN_INS } from './demo/demo-data.js';
import { type RunningServer, startServer } from './server.js';

function fail(err: unknown): never {
  if (err instanceof ConfigError || err instanceof StartupError) {
    console.error(`\n${err.message}\n`);
  } else {
    console.error('\nThe server failed to start:', err instanceof Error ? (err.stack ?? err.message) : err, '\n');
  }
  process.exit(1);
}

let server: RunningServer;
try {
  server = await startServer();
} catch (err) {
  fail(err);
}

const port = new URL(server.httpUrl).port;
const lines = [
  '',
  '────────────────────────────────────────────────────────────',
  ` Access control server (${server.config.mode} mode)`,
  ` Dashboard   http://localhost:${port}/`,
  ` MQTT        ${server.mqttUrl.replace('127.0.0.1', 'localhost')}${server.config.mqttUrl ? '' : '   (embedded broker)'}`,
];
if (server.config.mode === 'demo') {
  lines.push(' Demo sign-in (demo mode only):');
  for (const s of DEMO_SIGN_INS) lines.push(`   ${s.username.padEnd(9)} / ${s.password.padEnd(14)} ${s.role}`);
}
lines.push('────────────────────────────────────────────────────────────', '');
console.log(lines.join('\n'));

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    console.error(`${signal} again: exiting at once`);
    process.exit(1);
  }
  stopping = true;
  console.log(`${signal}: stopping the server…`);
  try {
    await server.close();
    process.exit(0);
  } catch (err) {
    console.error('stopping failed:', err);
    process.exit(1);
  }
}
process.on('SIGINT', (s) => void stop(s));
process.on('SIGTERM', (s) => void stop(s));
