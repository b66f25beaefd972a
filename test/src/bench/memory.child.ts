/**
 * `node --expose-gc memory.child.js prepare|measure <cardholders> <dir>`:
 * `prepare` writes a permission set of that size to a fresh agent store; `measure`, in a
 * new process, does what an agent does after a restart (open the store, load and compile
 * the set) and prints the resident memory once the garbage is collected. Two processes, so
 * the memory of generating the test data is not counted as the agent's.
 */
import { createLogger, LocalStore, PermissionHolder } from '@acs/edge-agent';
import { PermissionHashState } from '@acs/edge-agent/decision/compiled-permissions';
import { PartAssembler, snapshotPayloads } from '@acs/shared/sync/permission-wire';
import { benchPermissionSet } from './bench-data.js';

const [mode, count, dir] = process.argv.slice(2);
const cardholders = Number(count);

if (mode === 'prepare') {
  // Stored as the agent stores a set it received: the binary document.
  const set = benchPermissionSet('agent-1', cardholders);
  const state = PermissionHashState.of(set);
  const { cards: _cards, ...header } = set;
  const assembler = new PartAssembler();
  let document: Uint8Array[] | null = null;
  for (const part of await snapshotPayloads({ kind: 'snapshot', set, hash: state.hash })) document = assembler.add(part) ?? document;
  const store = await LocalStore.open(dir!);
  await store.savePermissionPayload({ header, hash: state.hash, cardSum: state.cardSum, appliedAt: Date.now() }, document!);
  await store.close();
} else {
  const baseline = process.memoryUsage().rss;
  const store = await LocalStore.open(dir!);
  const holder = new PermissionHolder('agent-1', store, createLogger('bench', { level: 'error' }));
  const started = performance.now();
  const loaded = await holder.load();
  const loadMs = Math.round(performance.now() - started);
  if (!loaded || loaded.cards.size !== cardholders) throw new Error('the set did not load');
  // The worker thread that decoded it stops when idle; measure the agent as it then runs.
  await holder.close();
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  if (process.env.ACS_BENCH_MEM_DEBUG)
    process.stderr.write(`heapTotal ${Math.round(heapTotal / 1e6)} external ${Math.round(external / 1e6)}\n`);
  await store.close();
  process.stdout.write(
    `${JSON.stringify({ rssMb: Math.round(rss / 1e6), heapMb: Math.round(heapUsed / 1e6), baselineMb: Math.round(baseline / 1e6), loadMs })}\n`,
  );
}
