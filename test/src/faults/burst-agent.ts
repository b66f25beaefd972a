/**
 * A child process for the SIGKILL test: an edge agent on simulated hardware that decides a
 * burst of badges as fast as it can (reads are handed to the agent the way a reader hands
 * them over) and prints the sequence number of every event it has decided. The parent kills
 * it with SIGKILL in the middle. Configuration comes from the environment (see faults.test.ts).
 */
import { createLogger, loadAgentConfig, startAgent } from '@acs/edge-agent';

const config = loadAgentConfig(process.env.BURST_CONFIG!, { env: process.env });
const agent = await startAgent(config, {
  controlServer: false,
  log: createLogger('acs:burst', { level: 'error' }),
  mqtt: { reconnectPeriodMs: 200, reconnectMaxMs: 1000 },
});
agent.decisions.on('decision', (d) => process.stdout.write(`decided ${d.event.seq}\n`));
const readers = agent.hardware.readers;
const cards = ['em4100:3887558', 'em4100:1234567', 'em4100:7654321', 'em4100:5550001'];
process.stdout.write('ready\n');
let i = 0;
const next = () => {
  const reader = readers[i % readers.length]!;
  reader.emit('card', { readerId: reader.id, credential: cards[i % cards.length]!, receivedAtNs: process.hrtime.bigint() });
  i++;
  // A few badges per turn of the event loop, so the outbox's batched writes interleave.
  if (i % 3 === 0) setImmediate(next);
  else next();
};
next();
