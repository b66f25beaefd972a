/**
 * The main thread's side of the permission worker. A payload goes over in slices of at most
 * {@link SLICE_BYTES}, one per turn of the event loop, so even copying a large set never
 * holds the badge path for more than a fraction of a millisecond; the compiled table comes
 * back on shared memory. The thread starts on first use and stops when idle (its heap holds
 * the garbage of a million decoded cards until then).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { PermissionCard } from '@acs/shared/mqtt/payloads';
import type { CardTableData } from '../decision/card-table.js';
import type { DecodedPermissions, PermissionHeader } from './permission-payload.js';

export const SLICE_BYTES = 256 * 1024;
const IDLE_STOP_MS = 2_000;

export type WorkerRequest =
  | { type: 'chunk'; id: number; bytes: Uint8Array }
  | { type: 'changes'; id: number; rows: [credential: string, card: string][] }
  | { type: 'end'; id: number; agentId: string; stored?: { header: PermissionHeader; hash: string } }
  | { type: 'fold'; id: number; table: CardTableData; changes: [credential: string, card: PermissionCard | null][] };

export type WorkerReply =
  | { id: number; ok: true; decoded: DecodedPermissions }
  | { id: number; ok: true; table: CardTableData }
  | { id: number; ok: false; error: string };

export type WorkerOutcome = { ok: true; decoded: DecodedPermissions } | { ok: false; error: string };
export type FoldOutcome = { ok: true; table: CardTableData } | { ok: false; error: string };

export interface StoredInput {
  header: PermissionHeader;
  hash: string;
  changes: AsyncIterable<[credential: string, card: string][]>;
}

export class PermissionWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: WorkerReply | { ok: false; error: string }) => void>();
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly agentId: string) {}

  /** Decodes, checks and compiles a payload (a message, or a stored set with its changes) off the main thread. */
  async decode(chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, stored?: StoredInput): Promise<WorkerOutcome> {
    if (this.closed) return { ok: false, error: 'the agent is stopping' };
    const worker = this.start();
    worker.ref();
    const id = this.nextId++;
    const done = new Promise<WorkerOutcome>((resolve) =>
      this.pending.set(id, (reply) =>
        resolve(
          reply.ok
            ? 'decoded' in reply
              ? { ok: true, decoded: reply.decoded }
              : { ok: false, error: 'unexpected reply' }
            : { ok: false, error: reply.error },
        ),
      ),
    );
    try {
      for await (const chunk of chunks) {
        for (let at = 0; at < chunk.length; at += SLICE_BYTES) {
          // A copy of the slice alone, transferred: posting a view would clone its whole
          // underlying buffer, and the caller keeps the original to persist it.
          const bytes = new Uint8Array(chunk.subarray(at, Math.min(chunk.length, at + SLICE_BYTES)));
          worker.postMessage({ type: 'chunk', id, bytes } satisfies WorkerRequest, [bytes.buffer]);
          await nextTurn();
        }
      }
      if (stored) {
        for await (const rows of stored.changes) {
          worker.postMessage({ type: 'changes', id, rows } satisfies WorkerRequest);
          await nextTurn();
        }
      }
      worker.postMessage({
        type: 'end',
        id,
        agentId: this.agentId,
        ...(stored ? { stored: { header: stored.header, hash: stored.hash } } : {}),
      } satisfies WorkerRequest);
    } catch (err) {
      this.pending.delete(id);
      return { ok: false, error: `could not hand it to the permission worker: ${(err as Error).message}` };
    }
    return done;
  }

  /**
   * A fresh table with `changes` (credential → card, or null for removed) folded into `base`:
   * after many deltas, so lookups stay one probe instead of an overlay and a probe. The base is
   * shared memory: the worker reads it where it is.
   */
  async fold(base: CardTableData, changes: [credential: string, card: PermissionCard | null][]): Promise<FoldOutcome> {
    if (this.closed) return { ok: false, error: 'the agent is stopping' };
    const worker = this.start();
    worker.ref();
    const id = this.nextId++;
    const done = new Promise<FoldOutcome>((resolve) =>
      this.pending.set(id, (reply) =>
        resolve(
          reply.ok
            ? 'table' in reply
              ? { ok: true, table: reply.table }
              : { ok: false, error: 'unexpected reply' }
            : { ok: false, error: reply.error },
        ),
      ),
    );
    worker.postMessage({ type: 'fold', id, table: base, changes } satisfies WorkerRequest);
    return done;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }

  private start(): Worker {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./permission-worker.js', import.meta.url));
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const resolve = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      resolve?.(reply);
      if (this.pending.size === 0) worker.unref();
      if (this.pending.size === 0) this.idleTimer = setTimeout(() => void this.stop(), IDLE_STOP_MS).unref();
    });
    const fail = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      for (const resolve of this.pending.values()) resolve({ ok: false, error: `the permission worker ${why}` });
      this.pending.clear();
    };
    worker.on('error', (err) => fail(`failed: ${err.message}`));
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private async stop(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const worker = this.worker;
    if (!worker || (this.pending.size > 0 && !this.closed)) return;
    this.worker = null;
    await worker.terminate();
  }
}
