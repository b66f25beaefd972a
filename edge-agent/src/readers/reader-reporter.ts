/**
 * Tells the server about the agent's readers (channel `readers`, retained) and carries out
 * the server's reader commands: provisioning windows and key installation for OSDP
 * readers. Reports are sent when something changes (at most every `minIntervalMs`),
 * with the outcome of recent commands so a server that missed one still learns it.
 */
import type { CardReader, ReaderFault } from '@acs/shared/hardware/interfaces';
import type { CommandMessage } from '@acs/shared/mqtt/payloads';
import type { ReaderCommandResult, ReaderReportEntry, ReadersReport } from '@acs/shared/readers/reader-report';
import type { ReaderPlacement } from '../config/agent-config.js';
import type { Logger } from '../log/logger.js';
import { isManagedReader } from './managed-reader.js';

export type ReaderCommand = Exclude<CommandMessage, { command: 'resync' }>;

export interface ReaderReporterOptions {
  agentId: string;
  placements: ReaderPlacement[];
  readers: ReadonlyMap<string, CardReader>;
  publish: (report: ReadersReport) => void;
  log: Logger;
  /** Changes closer together than this are reported together. Default 200 ms. */
  minIntervalMs?: number;
  now?: () => number;
}

const MAX_RESULTS = 20;

export class ReaderReporter {
  private readonly faults = new Map<string, string>();
  private readonly results: ReaderCommandResult[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastSentAt = 0;
  private stopped = false;
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly options: ReaderReporterOptions) {}

  start(): void {
    for (const reader of this.options.readers.values()) {
      const onFault = (fault: ReaderFault) => {
        this.faults.set(fault.readerId, fault.code);
        this.schedule();
      };
      const onRecovered = (readerId: string) => {
        this.faults.delete(readerId);
        this.schedule();
      };
      const onChanged = () => this.schedule();
      reader.on('fault', onFault);
      reader.on('recovered', onRecovered);
      reader.on('changed', onChanged);
      this.listeners.push(() => {
        reader.off('fault', onFault);
        reader.off('recovered', onRecovered);
        reader.off('changed', onChanged);
      });
    }
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const remove of this.listeners.splice(0)) remove();
  }

  report(): ReadersReport {
    const readers: ReaderReportEntry[] = [];
    for (const placement of this.options.placements) {
      const reader = this.options.readers.get(placement.id);
      if (!reader) continue;
      if (isManagedReader(reader)) {
        const description = reader.describe();
        readers.push({
          readerId: placement.id,
          type: placement.type,
          doorId: placement.door,
          direction: placement.direction,
          online: description.online,
          fault: description.fault,
          ...(description.osdp ? { osdp: description.osdp } : {}),
        });
      } else {
        const fault = this.faults.get(placement.id) ?? null;
        readers.push({
          readerId: placement.id,
          type: placement.type,
          doorId: placement.door,
          direction: placement.direction,
          online: fault === null,
          fault,
        });
      }
    }
    return { agentId: this.options.agentId, at: this.now(), readers, results: [...this.results] };
  }

  /** Carries out a reader command; the outcome goes into the next report. Never throws. */
  async handle(command: ReaderCommand): Promise<ReaderCommandResult> {
    const { log } = this.options;
    const reader = this.options.readers.get(command.readerId);
    let error: string | null = null;
    try {
      if (!reader) throw new Error(`this agent has no reader ${command.readerId}`);
      if (!isManagedReader(reader)) throw new Error(`reader ${command.readerId} takes no commands (it is not an OSDP reader)`);
      switch (command.command) {
        case 'reader-provisioning-window':
          reader.openProvisioningWindow(command.durationMs);
          break;
        case 'reader-key':
          await reader.installKey(Buffer.from(command.key, 'hex'), command.keyId);
          break;
      }
    } catch (err) {
      error = (err as Error).message.slice(0, 500);
      log.warn(`reader command ${command.command} for ${command.readerId} failed: ${error}`, { commandId: command.commandId });
    }
    const result: ReaderCommandResult = {
      commandId: command.commandId,
      readerId: command.readerId,
      status: error ? 'failed' : 'done',
      error,
      at: this.now(),
    };
    this.results.unshift(result);
    this.results.splice(MAX_RESULTS);
    this.schedule();
    return result;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    const wait = Math.max(0, this.lastSentAt + (this.options.minIntervalMs ?? 200) - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopped) return;
      this.lastSentAt = this.now();
      try {
        this.options.publish(this.report());
      } catch (err) {
        this.options.log.error('could not publish the readers report', { error: (err as Error).message });
      }
    }, wait);
  }
}
