/**
 * OSDP: card presented at a reader → the agent's decision, over a real pseudo-terminal
 * pair (socat, the system serial driver), with 1 and 4 readers on the line at 9600 and
 * 115200 baud. The simulated readers pace their answers like the wire (bytes × 10 bits /
 * baud), so the latencies include realistic wire time; the figures also say how much of
 * each latency was time on the wire (bytes that crossed the line while the card waited,
 * × 10 / baud) and how much the agent's software took (last byte in → relay command).
 * Cards are presented after the previous card's feedback (LED, buzzer) has left the line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, LocalStore, parseAgentConfig, PermissionHolder, startAgent, type AgentDecision } from '@acs/edge-agent';
import { findSocat, PtyPair, SimOsdpLine, SimOsdpPd } from '@acs/hardware-sim';
import type { PermissionSet } from '@acs/shared/mqtt/payloads';
import { permissionSetHash } from '@acs/shared/sync/permission-hash';
import type { BenchModule } from './run.js';

interface Scenario {
  readers: number;
  baudRate: number;
  cards: number;
}

const SCENARIOS: Scenario[] = [
  { readers: 1, baudRate: 9600, cards: 60 },
  { readers: 4, baudRate: 9600, cards: 60 },
  { readers: 1, baudRate: 115200, cards: 150 },
  { readers: 4, baudRate: 115200, cards: 150 },
];

function permissionSet(readers: number): PermissionSet {
  const doors = Array.from({ length: readers }, (_, i) => ({
    id: `door-${i + 1}`,
    name: `Door ${i + 1}`,
    fromZoneId: 'lobby',
    toZoneId: 'office',
    releaseMs: 3000,
    heldOpenMs: 30000,
  }));
  return {
    agentId: 'bench',
    version: 1,
    issuedAt: Date.now(),
    site: { timeZone: 'Asia/Shanghai', holidays: [] },
    cardTypeCeilings: { employee: 3, contractor: 2, temporary: 2, visitor: 2 },
    zones: [
      { id: 'lobby', name: 'Lobby', level: 0, parentId: null, antiPassback: 'off' },
      { id: 'office', name: 'Office', level: 1, parentId: 'lobby', antiPassback: 'off' },
    ],
    doors,
    schedules: [],
    cards: Array.from({ length: 200 }, (_, i) => ({
      credential: `h10301:1:${i + 1}`,
      cardId: `card-${i + 1}`,
      personId: `p-${i + 1}`,
      holder: `Holder ${i + 1}`,
      type: 'employee' as const,
      status: 'active' as const,
      validFrom: null,
      validUntil: null,
      levelCeilingOverride: null,
      grants: [{ zoneId: 'office', scheduleId: null, validUntil: null }],
    })),
  };
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

interface ScenarioResult {
  p50: number;
  p99: number;
  mean: number;
  /** Presented → last byte of the RAW reply in (the protocol's part). */
  arrivalP50: number;
  wireShare: number;
  softwareP50Us: number;
  softwareP99Us: number;
  granted: number;
}

async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const dir = await mkdtemp(join(tmpdir(), 'acs-bench-osdp-'));
  const pty = await PtyPair.create({ dir, name: 'rs485', baudRate: scenario.baudRate });
  const silent = createLogger('acs:bench', { level: 'silent' });
  const line = new SimOsdpLine({ baudRate: scenario.baudRate, paceAtBaud: true });
  const pds = Array.from({ length: scenario.readers }, (_, i) => line.add(new SimOsdpPd({ address: i + 1 })));
  try {
    line.connect(pty.device);
    const set = permissionSet(scenario.readers);
    const store = await LocalStore.open(dir);
    await new PermissionHolder('bench', store, silent).applySnapshot({ kind: 'snapshot', set, hash: permissionSetHash(set) });
    await store.close();

    const config = parseAgentConfig(
      {
        version: 1,
        agentId: 'bench',
        // Nothing listens there: the agent decides from its local store, as it would offline.
        mqtt: { url: 'mqtt://127.0.0.1:9' },
        dataDir: dir,
        gpio: { provider: 'sim' },
        readers: [
          {
            id: 'rs485',
            type: 'osdp',
            serial: { path: pty.hostPath, driver: 'system', baudRate: scenario.baudRate },
            devices: pds.map((pd, i) => ({
              id: `reader-${i + 1}`,
              door: `door-${i + 1}`,
              direction: 'in',
              address: pd.address,
              secureChannel: false,
            })),
          },
        ],
        doors: set.doors.map((door, i) => ({ id: door.id, lock: { line: 5 + i } })),
        sim: { controlServer: false },
      },
      { env: {} },
    );
    const agent = await startAgent(config, { log: silent, controlServer: false });
    try {
      // The decision's time is taken in the listener, right after the relay command.
      const decisions: Array<{ decision: AgentDecision; atNs: bigint }> = [];
      let notify: (() => void) | null = null;
      agent.decisions.on('decision', (decision) => {
        decisions.push({ decision, atNs: process.hrtime.bigint() });
        notify?.();
      });
      const deadline = Date.now() + 10_000;
      while (pds.some((pd) => pd.received.length < 3)) {
        if (Date.now() > deadline) throw new Error('the readers did not come online');
        await sleep(20);
      }
      await sleep(200);

      const latencies: number[] = [];
      const arrivals: number[] = [];
      const wireMs: number[] = [];
      const software: number[] = [];
      let granted = 0;
      for (let n = 0; n < scenario.cards; n++) {
        const pd = pds[n % pds.length]!;
        // The previous card's LED and buzzer commands are off the wire first (at a real door
        // cards come seconds apart); then the card arrives at a random moment of the poll cycle.
        const settleMs = scenario.baudRate < 38400 ? 150 : 40;
        const cycleMs = scenario.baudRate < 38400 ? 120 : 60;
        await sleep(settleMs + Math.random() * cycleMs);
        const bytesBefore = line.stats.bytesIn + line.stats.bytesOut;
        const before = decisions.length;
        const decided = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no decision for card ${n}`)), 5000);
          notify = () => {
            clearTimeout(timer);
            notify = null;
            resolve();
          };
        });
        const presentedAt = process.hrtime.bigint();
        pd.presentH10301(1, (n % 200) + 1);
        await decided;
        const { decision, atNs } = decisions[before]!;
        if (decision.decision.granted) granted += 1;
        latencies.push(Number(atNs - presentedAt) / 1e6);
        arrivals.push(Number(decision.read.receivedAtNs - presentedAt) / 1e6);
        const bytes = line.stats.bytesIn + line.stats.bytesOut - bytesBefore;
        wireMs.push((bytes * 10 * 1000) / scenario.baudRate);
        software.push(decision.event.decisionMicros ?? 0);
      }
      const sorted = [...latencies].sort((a, b) => a - b);
      const total = latencies.reduce((a, b) => a + b, 0);
      const wire = wireMs.reduce((a, b) => a + b, 0);
      return {
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        mean: total / latencies.length,
        arrivalP50: percentile(
          [...arrivals].sort((a, b) => a - b),
          50,
        ),
        wireShare: wire / total,
        softwareP50Us: percentile(
          [...software].sort((a, b) => a - b),
          50,
        ),
        softwareP99Us: percentile(
          [...software].sort((a, b) => a - b),
          99,
        ),
        granted,
      };
    } finally {
      await agent.stop();
    }
  } finally {
    await line.close();
    await pty.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export const osdpBench: BenchModule = {
  name: 'osdp',
  description: 'OSDP card presented → agent decision over a pseudo-terminal, 1 and 4 readers per line, 9600 and 115200 baud',
  async run() {
    if (!findSocat()) return { skipped: 'socat is not installed (needed for pseudo-terminals)' };
    const results: Record<string, number | string> = {};
    for (const scenario of SCENARIOS) {
      const key = `${scenario.readers}x${scenario.baudRate}`;
      const r = await runScenario(scenario);
      results[`${key}.cards`] = scenario.cards;
      results[`${key}.granted`] = r.granted;
      results[`${key}.p50_ms`] = round(r.p50);
      results[`${key}.p99_ms`] = round(r.p99);
      results[`${key}.mean_ms`] = round(r.mean);
      results[`${key}.last_byte_in_p50_ms`] = round(r.arrivalP50);
      results[`${key}.wire_share`] = `${round(r.wireShare * 100, 1)} %`;
      results[`${key}.software_p50_us`] = round(r.softwareP50Us, 1);
      results[`${key}.software_p99_us`] = round(r.softwareP99Us, 1);
    }
    return results;
  },
};
