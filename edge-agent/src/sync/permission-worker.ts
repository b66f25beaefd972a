/**
 * The permission worker thread: receives a payload in slices, decodes, checks and compiles
 * it (`decodePermissionPayload`) and posts back the result. The card table it builds lives
 * on SharedArrayBuffers, so the main thread receives it without a copy.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { DEFAULT_CARD_TYPE_CEILINGS } from '@acs/shared/access/model';
import type { PermissionCard } from '@acs/shared/mqtt/payloads';
import { CardTable, type CardTableData } from '../decision/card-table.js';
import { decodePermissionPayload, PayloadRefusedError, type StoredSetContext } from './permission-payload.js';
import type { WorkerReply, WorkerRequest } from './permission-worker-client.js';

const port = parentPort;
if (!port) throw new Error('permission-worker.js runs as a worker thread');

try {
  // Linux nice values are per thread: this lowers the worker alone, so on a busy two- or
  // four-core Pi the scheduler keeps giving the badge path's thread its turn first.
  setPriority(10);
} catch {
  // Not permitted (some containers): the worker still keeps the work off the event loop.
}

const jobs = new Map<number, { chunks: Uint8Array[]; length: number; changes: Map<string, string> }>();

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'fold') {
    let reply: WorkerReply;
    try {
      reply = { id: request.id, ok: true, table: fold(request.table, new Map(request.changes)) };
    } catch (err) {
      reply = { id: request.id, ok: false, error: `could not fold the card changes: ${(err as Error).message}` };
    }
    port.postMessage(reply);
    return;
  }
  const job = jobs.get(request.id) ?? { chunks: [], length: 0, changes: new Map<string, string>() };
  jobs.set(request.id, job);
  switch (request.type) {
    case 'chunk':
      job.chunks.push(request.bytes);
      job.length += request.bytes.length;
      return;
    case 'changes':
      for (const [credential, card] of request.rows) job.changes.set(credential, card);
      return;
    case 'end': {
      jobs.delete(request.id);
      let reply: WorkerReply;
      try {
        const payload = job.chunks.length === 1 ? job.chunks[0]! : Buffer.concat(job.chunks, job.length);
        job.chunks = [];
        const stored: StoredSetContext | undefined = request.stored ? { ...request.stored, changes: job.changes } : undefined;
        const decoded = decodePermissionPayload(payload, { agentId: request.agentId, ...(stored ? { stored } : {}) });
        reply = { id: request.id, ok: true, decoded };
      } catch (err) {
        if (!(err instanceof PayloadRefusedError)) console.error(err);
        reply = {
          id: request.id,
          ok: false,
          error: err instanceof PayloadRefusedError ? err.message : `could not decode it: ${(err as Error).message}`,
        };
      }
      port.postMessage(reply);
      return;
    }
  }
});

/** The base table's cards with the changes laid over them, as a new table. */
function fold(base: CardTableData, changes: ReadonlyMap<string, PermissionCard | null>): CardTableData {
  // Ceilings and schedules only shape the CompiledCard a badge sees; a fold copies payloads.
  const view = CardTable.view(base, DEFAULT_CARD_TYPE_CEILINGS, new Map());
  let count = 0;
  for (const credential of view.credentials()) if (!changes.has(credential)) count++;
  for (const card of changes.values()) if (card) count++;
  const builder = CardTable.builder(count, DEFAULT_CARD_TYPE_CEILINGS, new Map());
  for (const card of view.payloads()) if (!changes.has(card.credential)) builder.add(card);
  for (const card of changes.values()) if (card) builder.add(card);
  return builder.buildData();
}
