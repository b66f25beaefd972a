/**
 * The edge agent's numbers (docs/benchmarks.md#targets), with 100,000 cardholders loaded:
 * - software latency from the last frame byte received to the relay command, p50/p99/max
 *   over 10,000 badges, on an idle agent and while the outbox flushes a 50,000-event backlog
 *   to the broker. Reads enter the agent the way a reader hands them over (frame complete,
 *   `receivedAtNs` stamped); the RDM6300 frame decoding before that is timed separately;
 * - snapshot apply time (hash check, compile, persist in SQLite, swap) for 100,000 cards;
 * - the agent's resident memory with 100,000 and 1,000,000 cardholders, each in a fresh
 *   process that loads the set from its local store as after a restart (memory.child.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createLogger,
  LocalStore,
  parseAgentConfig,
  PermissionHolder,
  Rdm6300Decoder,
  startAgent,
  type AgentDecision,
  type RunningAgent,
} from '@acs/edge-agent';
import { FakeServer, startBroker } from '@acs/edge-agent/test-support/broker';
import type { AgentEvent } from '@acs/shared/mqtt/payloads';
import { permissionSetHash } from '@acs/shared/sync/permission-hash';
import { snapshotPayloads } from '@acs/shared/sync/permission-wire';
import { benchCredential, benchPermissionSet, stats } from './bench-data.js';
import type { BenchModule } from './run.js';

const CARDHOLDERS = 100_000;
const BADGES = 10_000;
const BACKLOG = 50_000;
const TARGET_P99_MS = 1;
/** 1,000,000 cardholders in 250 MB, 2,000,000 in 450 MB. */
const MEMORY_TARGET_MB = 250;
const MEMORY_TARGET_2M_MB = 450;
const MEMORY_CHILD = fileURLToPath(new URL('./memory.child.js', import.meta.url));
const SNAPSHOT_SERVER_CHILD = fileURLToPath(new URL('./snapshot-server.child.js', import.meta.url));
const APPLY_CARDHOLDERS = Number(process.env.ACS_BENCH_APPLY_CARDHOLDERS ?? 1_000_000);
const STALL_TARGET_MS = 5;

const us = (v: number) => `${v.toFixed(1)} µs`;

async function applyTime(dataDir: string): Promise<{ ms: number }> {
  const set = benchPermissionSet('agent-1', CARDHOLDERS);
  const hash = permissionSetHash(set);
  const store = await LocalStore.open(dataDir);
  const holder = new PermissionHolder('agent-1', store, createLogger('bench', { level: 'error' }));
  const parts = await snapshotPayloads({ kind: 'snapshot', set, hash });
  const started = performance.now();
  let outcome = null;
  for (const part of parts) outcome = (await holder.applyPayload(part)) ?? outcome;
  const ms = performance.now() - started;
  await holder.close();
  await store.close();
  if (outcome?.status !== 'applied') throw new Error(`snapshot not applied: ${JSON.stringify(outcome)}`);
  return { ms };
}

async function backlog(dataDir: string, n: number): Promise<void> {
  const store = await LocalStore.open(dataDir);
  const events: AgentEvent[] = [];
  for (let i = 1; i <= n; i++) {
    events.push({
      kind: 'door',
      eventId: randomUUID(),
      agentId: 'agent-1',
      seq: store.lastSeq + i,
      occurredAt: Date.now(),
      doorId: 'gate',
      type: i % 2 ? 'opened' : 'closed',
    });
  }
  await store.appendEvents(events);
  await store.close();
}

/** Presents `n` badges, one per turn of the event loop, and returns each decision's software latency in µs. */
async function badges(agent: RunningAgent, n: number): Promise<number[]> {
  const micros: number[] = [];
  const onDecision = (d: AgentDecision) => micros.push(d.event.decisionMicros ?? NaN);
  agent.decisions.on('decision', onDecision);
  const readers = agent.hardware.readers;
  for (let i = 0; i < n; i++) {
    const reader = readers[i % readers.length]!;
    reader.emit('card', {
      readerId: reader.id,
      credential: benchCredential((i * 7919) % CARDHOLDERS),
      receivedAtNs: process.hrtime.bigint(),
    });
    await new Promise((r) => setImmediate(r));
  }
  agent.decisions.off('decision', onDecision);
  return micros;
}

interface SnapshotServer {
  url: string;
  bytes: number;
  publish(version: number): Promise<void>;
  close(): void;
}

/** The broker and the encoded snapshots in a child process (snapshot-server.child.ts). */
async function snapshotServer(cardholders: number): Promise<SnapshotServer> {
  const child = spawn(process.execPath, ['--max-old-space-size=8192', SNAPSHOT_SERVER_CHILD, String(cardholders)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('the snapshot server exited');
    return line.value;
  };
  const [, url, bytes] = (await next()).split(' ');
  return {
    url: url!,
    bytes: Number(bytes),
    publish: async (version) => {
      child.stdin.write(`publish ${version}\n`);
      await next();
    },
    close: () => child.kill(),
  };
}

/**
 * Badges presented every millisecond while a snapshot of `cardholders` cards is
 * received over MQTT, decoded, checked, compiled and persisted. Each read is stamped with
 * the moment it was due, so a badge that waited behind a stalled event loop counts the wait.
 */
interface BadgeRun {
  latency: ReturnType<typeof stats>;
  stallMs: number;
  badges: number;
}

/**
 * Presents a badge every millisecond while `during` runs (and 100 ms after). Each read is
 * stamped with the moment it was due, so a badge that waited behind a stalled event loop
 * counts the wait; the next one is due a millisecond after it was handled.
 */
async function presentBadges(agent: RunningAgent, cardholders: number, during: () => Promise<void>): Promise<BadgeRun> {
  const micros: number[] = [];
  const onDecision = (d: AgentDecision) => micros.push(d.event.decisionMicros ?? NaN);
  agent.decisions.on('decision', onDecision);
  const reader = agent.hardware.readers[0]!;
  let presenting = true;
  const loop = (async () => {
    let dueNs = process.hrtime.bigint();
    let i = 0;

    while (presenting) {
      dueNs += 1_000_000n;
      await new Promise((r) => setTimeout(r, Math.max(0, Number(dueNs - process.hrtime.bigint()) / 1e6)));
      // A timer may fire a little early: the frame then arrives when it fires.
      const firedNs = process.hrtime.bigint();
      reader.emit('card', {
        readerId: reader.id,
        credential: benchCredential((++i * 7919) % cardholders),
        receivedAtNs: firedNs < dueNs ? firedNs : dueNs,
      });
      const now = process.hrtime.bigint();
      if (now > dueNs) dueNs = now;
    }
  })();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await during();
  await new Promise((r) => setTimeout(r, 100));
  histogram.disable();
  presenting = false;
  await loop;
  agent.decisions.off('decision', onDecision);
  return { latency: stats(micros), stallMs: histogram.max / 1e6, badges: micros.length };
}

export async function badgeDuringSnapshot(cardholders: number): Promise<BadgeRun & { idle: BadgeRun; applyMs: number; bytes: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'acs-bench-apply-'));
  const server = await snapshotServer(cardholders);
  let agent: RunningAgent | null = null;
  try {
    const config = parseAgentConfig(
      {
        version: 1,
        agentId: 'agent-1',
        mqtt: { url: server.url, password: 'bench' },
        dataDir,
        gpio: { provider: 'sim' },
        readers: [{ id: 'gate-in', door: 'gate', direction: 'in', type: 'rdm6300', serial: { path: 'sim/gate-in', driver: 'sim' } }],
        doors: [{ id: 'gate', lock: { line: 23 }, contact: { line: 24, openLevel: 1 } }],
      },
      { baseDir: dataDir },
    );
    const running = await startAgent(config, {
      controlServer: false,
      log: createLogger('acs:bench', { level: 'error' }),
      mqtt: { reconnectPeriodMs: 200 },
    });
    agent = running;
    const holds = (version: number) =>
      new Promise<void>((resolve) => {
        const check = (v: number) => {
          if (v !== version) return;
          running.decisions.off('permissions', check);
          resolve();
        };
        running.decisions.on('permissions', check);
      });
    // Nothing is retained: publish once the agent has subscribed (it then asks to sync).
    while (!running.mqttConnected) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    const first = holds(1);
    await server.publish(1);
    await first;
    await new Promise((r) => setTimeout(r, 3000));

    // The same badges with nothing being applied: what this machine's scheduler alone costs.
    const idle = await presentBadges(running, cardholders, () => new Promise((r) => setTimeout(r, 2000)));
    let applyMs = 0;
    const during = await presentBadges(running, cardholders, async () => {
      const started = performance.now();
      const second = holds(2);
      await server.publish(2);
      await second;
      applyMs = performance.now() - started;
    });
    return { ...during, idle, applyMs, bytes: server.bytes };
  } finally {
    await agent?.stop();
    server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function rdm6300DecodeMicros(): number {
  const frame = Buffer.from([0x02, ...Buffer.from('62E3086CED'), ...Buffer.from('08'), 0x03]);
  const decoder = new Rdm6300Decoder();
  const started = process.hrtime.bigint();
  const n = 10_000;
  for (let i = 0; i < n; i++) decoder.push(frame);
  return Number(process.hrtime.bigint() - started) / 1000 / n;
}

async function memoryOf(cardholders: number): Promise<{ rssMb: number; heapMb: number; baselineMb: number; loadMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'acs-bench-mem-'));
  try {
    const child = (mode: string) =>
      execFileSync(process.execPath, ['--expose-gc', MEMORY_CHILD, mode, String(cardholders), dir], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
        timeout: 600_000,
        // As the systemd unit runs the agent (deploy/systemd/acs-agent.service).
        env: { ...process.env, MALLOC_ARENA_MAX: '2' },
      });
    child('prepare');
    return JSON.parse(child('measure').trim().split('\n').at(-1)!) as { rssMb: number; heapMb: number; baselineMb: number; loadMs: number };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const edgeBench: BenchModule = {
  name: 'edge',
  description: `edge agent: badge → relay software latency with ${CARDHOLDERS.toLocaleString('en')} cardholders, snapshot apply, memory`,
  async run() {
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-bench-edge-'));
    const broker = await startBroker();
    const server = await FakeServer.connect(broker.url);
    server.on('message', (m) => {
      if (m.channel === 'events')
        void server.publish('events-ack', { seqs: (m.payload as { events: AgentEvent[] }).events.map((e) => e.seq) });
    });
    let agent: RunningAgent | null = null;
    try {
      const apply = await applyTime(dataDir);
      await backlog(dataDir, BACKLOG);
      const config = parseAgentConfig(
        {
          version: 1,
          agentId: 'agent-1',
          mqtt: { url: broker.url, password: 'bench' },
          dataDir,
          gpio: { provider: 'sim' },
          readers: [
            { id: 'gate-in', door: 'gate', direction: 'in', type: 'rdm6300', serial: { path: 'sim/gate-in', driver: 'sim' } },
            { id: 'lab-in', door: 'lab', direction: 'in', type: 'rdm6300', serial: { path: 'sim/lab-in', driver: 'sim' } },
          ],
          doors: [
            { id: 'gate', lock: { line: 23 }, contact: { line: 24, openLevel: 1 } },
            { id: 'lab', lock: { line: 17 }, contact: { line: 27, openLevel: 1 } },
          ],
        },
        { baseDir: dataDir },
      );
      // Phase 1: the agent starts with a backlog and flushes it to the server while badges arrive.
      agent = await startAgent(config, {
        controlServer: false,
        log: createLogger('acs:bench', { level: 'error' }),
        mqtt: { reconnectPeriodMs: 200, reconnectMaxMs: 1000 },
      });
      const backlogBefore = await agent.outboxSize();
      const flushing = stats(await badges(agent, BADGES));
      const backlogAfter = await agent.outboxSize();
      // Phase 2: the backlog gone, the agent is otherwise idle.
      const drainStarted = Date.now();
      while ((await agent.outboxSize()) > 0 && Date.now() - drainStarted < 120_000) await new Promise((r) => setTimeout(r, 200));
      const idle = stats(await badges(agent, BADGES));
      await agent.stop();
      agent = null;
      const during = await badgeDuringSnapshot(APPLY_CARDHOLDERS);
      const mem100k = await memoryOf(CARDHOLDERS);
      const mem1m = await memoryOf(1_000_000);
      const mem2m = await memoryOf(2_000_000);
      return {
        'idle p50 / p99 / max': `${us(idle.p50)} / ${us(idle.p99)} / ${us(idle.max)}  (n=${idle.n})`,
        'flushing p50 / p99 / max': `${us(flushing.p50)} / ${us(flushing.p99)} / ${us(flushing.max)}  (n=${flushing.n})`,
        'outbox while flushing': `${backlogBefore} → ${backlogAfter} events during the ${BADGES} badges (backlog of ${BACKLOG})`,
        'p99 vs target 1 ms': `${((Math.max(idle.p99, flushing.p99) / 1000 / TARGET_P99_MS) * 100).toFixed(1)} % of target; ${((Math.max(idle.p99, flushing.p99) / 14_600) * 100).toFixed(2)} % of the 14.6 ms RDM6300 frame`,
        'RDM6300 frame decode': us(rdm6300DecodeMicros()),
        'snapshot apply (100,000 cards)': `${apply.ms.toFixed(0)} ms (binary parts: worker decode, checks, hash, compile; SQLite persist; swap)`,
        [`badge during snapshot apply (${APPLY_CARDHOLDERS.toLocaleString('en')} cards)`]: `p50 / p99 / max ${us(during.latency.p50)} / ${us(during.latency.p99)} / ${us(during.latency.max)}, longest loop stall ${during.stallMs.toFixed(1)} ms (${during.badges} badges, one per ms, over the ${(during.applyMs / 1000).toFixed(1)} s from publishing ${(during.bytes / 1e6).toFixed(1)} MB to the swap; targets p99 < ${TARGET_P99_MS} ms, stall < ${STALL_TARGET_MS} ms)`,
        'the same badges, agent idle': `p50 / p99 / max ${us(during.idle.latency.p50)} / ${us(during.idle.latency.p99)} / ${us(during.idle.latency.max)}, longest loop stall ${during.idle.stallMs.toFixed(1)} ms (${during.idle.badges} badges: this machine's noise floor)`,
        'RSS with 100,000 cardholders': `${mem100k.rssMb} MB (heap ${mem100k.heapMb} MB, process before loading ${mem100k.baselineMb} MB; load from store ${mem100k.loadMs} ms)`,
        'RSS with 1,000,000 cardholders': `${mem1m.rssMb} MB (heap ${mem1m.heapMb} MB; load ${mem1m.loadMs} ms); target ${MEMORY_TARGET_MB} MB: ${mem1m.rssMb <= MEMORY_TARGET_MB ? 'met' : 'NOT met'}`,
        'RSS with 2,000,000 cardholders': `${mem2m.rssMb} MB (heap ${mem2m.heapMb} MB; load ${mem2m.loadMs} ms); target ${MEMORY_TARGET_2M_MB} MB: ${mem2m.rssMb <= MEMORY_TARGET_2M_MB ? 'met' : 'NOT met'}`,
      };
    } finally {
      await agent?.stop();
      await server.close();
      await broker.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
