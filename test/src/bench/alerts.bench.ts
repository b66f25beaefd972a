/**
 * From a forced door in the simulator to the alert in a connected socket.io client
 * (a guard's dashboard), through the real path: simulated door contact → edge agent (door
 * controller, outbox, MQTT) → server (ingest, alert rules, database) → socket.io. The door
 * is closed between rounds so each force is a new condition. Target p99 < 500 ms.
 */
import { io, type Socket } from 'socket.io-client';
import type { AlertView } from '@acs/shared/api/alerts';
import type { ServerToClientEvents } from '@acs/shared/realtime/events';
import { startSystem } from '../support/system.js';
import { stats } from './bench-data.js';
import type { BenchModule } from './run.js';

const ROUNDS = 100;
const progress = (line: string) => process.stderr.write(`  [alerts] ${line}\n`);

export const alertsBench: BenchModule = {
  name: 'alerts',
  description: `forced door in the simulator → alert in a socket.io client, ${ROUNDS} rounds`,
  async run() {
    const system = await startSystem();
    const socket: Socket<ServerToClientEvents> = io(system.server.url, {
      auth: { token: await system.token('guard') },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      while (system.agent.permissionVersion === null) await new Promise((r) => setTimeout(r, 20));
      let waiting: { resolve: (at: number) => void; count: number } | null = null;
      socket.on('alert:v1', (alert: AlertView) => {
        if (alert.type === 'door_forced' && alert.doorId === 'lab' && waiting && alert.count > waiting.count && alert.active) {
          const w = waiting;
          waiting = null;
          w.resolve(performance.now());
        }
      });
      const door = system.sim.door('lab');
      const latencies: number[] = [];
      let count = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const arrived = new Promise<number>((resolve) => (waiting = { resolve, count }));
        const started = performance.now();
        door.force();
        const at = await Promise.race([
          arrived,
          new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`round ${i}: no alert within 5 s`)), 5000)),
        ]);
        latencies.push(at - started);
        count += 1;
        door.close();
        // Let the close reach the server (it clears the condition) before the next force.
        await new Promise((r) => setTimeout(r, 150));
        if (i % 20 === 19) progress(`${i + 1} rounds`);
      }
      const s = stats(latencies);
      return {
        'forced door → socket.io alert p50 / p99 / max': `${s.p50.toFixed(0)} / ${s.p99.toFixed(0)} / ${s.max.toFixed(0)} ms (n=${s.n}; target p99 500 ms: ${s.p99 < 500 ? 'met' : 'NOT met'})`,
      };
    } finally {
      socket.close();
      await system.close();
    }
  },
};
