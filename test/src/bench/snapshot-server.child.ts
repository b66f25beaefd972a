/**
 * `node snapshot-server.child.js <cardholders>`: the server side of the "badge during
 * snapshot apply" benchmark, in its own process as on a site (Mosquitto and the server are
 * never in the agent's process): a broker, and two snapshots of that many cardholders for
 * `agent-1` encoded as the server sends them. Prints `ready <url> <bytes per snapshot>`;
 * then on each stdin line `publish <version>` publishes that snapshot and prints `published`.
 */
import { createInterface } from 'node:readline';
import { connectAsync } from 'mqtt';
import { startBroker } from '@acs/edge-agent/test-support/broker';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { permissionSetHash } from '@acs/shared/sync/permission-hash';
import { snapshotPayloads } from '@acs/shared/sync/permission-wire';
import { benchPermissionSet } from './bench-data.js';

const cardholders = Number(process.argv[2]);

async function encoded(version: number): Promise<Uint8Array[]> {
  const set = benchPermissionSet('agent-1', cardholders, version);
  // Version 2 revokes card 0 (what the bench badges measure does not depend on it).
  if (version === 2) set.cards[0] = { ...set.cards[0]!, status: 'revoked' };
  return snapshotPayloads({ kind: 'snapshot', set, hash: permissionSetHash(set) });
}

const payloads = new Map<number, Uint8Array[]>([
  [1, await encoded(1)],
  [2, await encoded(2)],
]);
const broker = await startBroker();
const client = await connectAsync(broker.url, { clientId: 'bench-snapshot-server' });
const bytes = payloads.get(2)!.reduce((n, p) => n + p.length, 0);
process.stdout.write(`ready ${broker.url} ${bytes}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const [command, version] = line.trim().split(' ');
  if (command !== 'publish') continue;
  for (const part of payloads.get(Number(version)) ?? [])
    await client.publishAsync(agentTopic('agent-1', 'permissions'), Buffer.from(part.buffer, part.byteOffset, part.length), { qos: 1 });
  process.stdout.write('published\n');
}
await client.endAsync();
await broker.close();
