#!/usr/bin/env node
// Starts the whole system on embedded defaults: the server (SQLite under ./data, the
// embedded MQTT broker, demo data, the dashboard) and one edge agent driving simulated
// hardware. Ctrl-C stops both. Ports: ACS_HTTP_PORT (3000), ACS_MQTT_PORT (1884).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(process.env.ACS_DATA_DIR ?? join(root, 'data'));
const httpPort = Number(process.env.ACS_HTTP_PORT ?? 3000);
const mqttPort = Number(process.env.ACS_MQTT_PORT ?? 1884);
const agentId = 'agent-1';
const children = new Set();

function run(name, args, env) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'inherit' });
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`\n[start] ${name} exited (${signal ?? code}); stopping the demo.`);
      stop(code || 1);
    }
  });
  return child;
}

let stopping = false;
async function stop(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  const deadline = Date.now() + 10_000;
  while (children.size > 0 && Date.now() < deadline) await sleep(100);
  for (const child of children) child.kill('SIGKILL');
  process.exit(exitCode);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitForServer() {
  const url = `http://127.0.0.1:${httpPort}/api/health`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the server did not answer ${url} within 60 s`);
}

for (const built of ['server/dist/main.js', 'edge-agent/dist/main.js', 'dashboard/dist/index.html']) {
  if (!existsSync(join(root, built))) {
    console.error(`[start] ${built} is missing: run \`npm run build\` (npm start does it for you).`);
    process.exit(1);
  }
}

run('server', ['server/dist/main.js'], {
  ACS_MODE: 'demo',
  ACS_DATA_DIR: dataDir,
  ACS_HTTP_PORT: String(httpPort),
  ACS_MQTT_PORT: String(mqttPort),
});
try {
  await waitForServer();
} catch (err) {
  console.error(`[start] ${err.message}`);
  await stop(1);
}

const passwordFile = join(dataDir, 'secrets', `${agentId}.mqtt-password`);
run('edge agent', ['edge-agent/dist/main.js', '--config', 'edge-agent/config/demo.yaml'], {
  ACS_AGENT_MQTT_URL: `mqtt://127.0.0.1:${mqttPort}`,
  ACS_AGENT_MQTT_PASSWORD_FILE: passwordFile,
  ACS_AGENT_DATA_DIR: join(dataDir, agentId),
});

await sleep(1500);
console.log(`
────────────────────────────────────────────────────────────────────
 Access control demo is running (Ctrl-C stops it)

 Dashboard   http://localhost:${httpPort}/
 Sign in     guard / guard-demo      (also admin / admin-demo,
                                      zhangwei / zhangwei-demo, auditor / auditor-demo,
                                      approver / approver-demo, lina / lina-demo)

 Present a card at a simulated reader, from another terminal:
   npm run sim -- badge --door lab --card 3887558            (granted)
   npm run sim -- badge --door machine-room --card 7654321   (denied: contractor ceiling)
   npm run sim -- door force --door lab                      (forced open)
────────────────────────────────────────────────────────────────────
`);
