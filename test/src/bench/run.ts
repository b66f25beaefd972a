#!/usr/bin/env node
/**
 * `npm run bench [-- <module>...]`: runs the registered benchmark modules (all by default)
 * and prints each one's figures. Modules register here with one line; each exports
 * `{ name, description, run() }` and measures with real timing (no fake clocks).
 */
import { edgeBench } from './edge.bench.js';
import { osdpBench } from './osdp.bench.js';
import { syncBench } from './sync.bench.js';
import { receptionBench } from './reception.bench.js';
import { alertsBench } from './alerts.bench.js';
import { historyBench } from './history.bench.js';
import { clusterBench } from './cluster.bench.js';

export interface BenchModule {
  name: string;
  description: string;
  run(): Promise<Record<string, number | string>>;
}

const MODULES: BenchModule[] = [edgeBench, syncBench, osdpBench, receptionBench, alertsBench, historyBench, clusterBench];

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !MODULES.some((m) => m.name === name));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark module(s): ${unknown.join(', ')}; known: ${MODULES.map((m) => m.name).join(', ')}\n`);
  process.exit(2);
}
const selected = MODULES.filter((m) => wanted.length === 0 || wanted.includes(m.name));
if (selected.length > 1) {
  // Each module in a fresh process: one module's heap and garbage must not slow the next.
  for (const module of selected) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), module.name], { stdio: 'inherit' });
    if (child.status !== 0) process.exitCode = 1;
  }
  process.exit();
}
for (const module of selected) {
  process.stdout.write(`\n== ${module.name}: ${module.description}\n`);
  const started = Date.now();
  try {
    const results = await module.run();
    const width = Math.max(...Object.keys(results).map((k) => k.length));
    for (const [key, value] of Object.entries(results)) process.stdout.write(`  ${key.padEnd(width)}  ${value}\n`);
    process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  } catch (err) {
    process.stdout.write(`  FAILED: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
