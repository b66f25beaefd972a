/**
 * What the control panel learns about one PD when it (re)starts talking to it: a POLL with
 * sequence 0 to find it, then osdp_ID (identity) and osdp_CAP (capabilities). The answers
 * decide the check characters (a PD without CRC-16 gets checksums) and which commands
 * the agent may use; a command the PD refuses as unknown is not offered again.
 */
import type { Logger } from '../../log/logger.js';
import {
  parsePdcap,
  parsePdid,
  REPORT_REQUEST,
  summariseCapabilities,
  type CapabilitySummary,
  type PdCapability,
  type PdIdentity,
} from './osdp-messages.js';
import type { CheckType } from './osdp-packet.js';
import { CMD, REPLY, replyName } from './osdp-protocol.js';

/** Where the start-up stands: the command it sends next, or `ready` once CAP has been answered. */
export type DiscoveryStep = 'probe' | 'id' | 'cap' | 'ready';

export class PdDiscovery {
  private stepValue: DiscoveryStep = 'probe';
  private checkValue: CheckType;
  private identityValue: PdIdentity | null = null;
  private capabilitiesValue: PdCapability[] | null = null;
  private summary: CapabilitySummary | null = null;
  private readonly unsupportedCommands = new Set<number>();

  constructor(
    private readonly readerId: string,
    check: CheckType,
    private readonly log: Logger,
  ) {
    this.checkValue = check;
  }

  get step(): DiscoveryStep {
    return this.stepValue;
  }

  get check(): CheckType {
    return this.checkValue;
  }

  get identity(): PdIdentity | null {
    return this.identityValue;
  }

  get capabilities(): PdCapability[] | null {
    return this.capabilitiesValue;
  }

  /** What the agent may use: null until CAP answered. */
  get capabilitySummary(): CapabilitySummary | null {
    return this.summary;
  }

  /** False for commands the PD refused as unknown, or that its capabilities rule out. */
  supports(code: number): boolean {
    if (this.unsupportedCommands.has(code)) return false;
    if (code === CMD.LED) return (this.summary?.leds ?? 0) > 0;
    if (code === CMD.BUZ) return this.summary?.buzzer ?? false;
    return true;
  }

  /** The PD refused `code` as unknown. */
  markUnsupported(code: number): void {
    this.unsupportedCommands.add(code);
  }

  /** Back to the probe (the PD is found again from sequence 0). */
  restart(): void {
    this.stepValue = 'probe';
  }

  /** The start-up command for a step other than `ready`. */
  request(step: Exclude<DiscoveryStep, 'ready'>): { code: number; data: Buffer } {
    switch (step) {
      case 'probe':
        return { code: CMD.POLL, data: Buffer.alloc(0) };
      case 'id':
        return { code: CMD.ID, data: REPORT_REQUEST };
      case 'cap':
        return { code: CMD.CAP, data: REPORT_REQUEST };
    }
  }

  /**
   * The PD answered the start-up command of `step`: with `reply`, or with a NAK (null), which
   * is an answer too. Moves on to the next step; true once CAP has been answered.
   */
  answered(step: Exclude<DiscoveryStep, 'ready'>, reply: { code: number; data: Buffer } | null): boolean {
    switch (step) {
      case 'probe':
        this.stepValue = 'id';
        return false;
      case 'id':
        if (reply) this.readIdentity(reply.code, reply.data);
        this.stepValue = 'cap';
        return false;
      case 'cap':
        if (reply) this.readCapabilities(reply.code, reply.data);
        this.stepValue = 'ready';
        return true;
    }
  }

  private readIdentity(code: number, data: Buffer): void {
    if (code !== REPLY.PDID) {
      this.log.warn(`reader ${this.readerId} answered ID with ${replyName(code)}`);
      return;
    }
    try {
      this.identityValue = parsePdid(data);
    } catch (err) {
      this.log.warn(`reader ${this.readerId}: ${(err as Error).message}`);
    }
  }

  private readCapabilities(code: number, data: Buffer): void {
    if (code !== REPLY.PDCAP) {
      this.log.warn(`reader ${this.readerId} answered CAP with ${replyName(code)}`);
      return;
    }
    try {
      this.capabilitiesValue = parsePdcap(data);
      this.summary = summariseCapabilities(this.capabilitiesValue);
      if (!this.summary.crc && this.checkValue === 'crc') {
        this.log.info(`reader ${this.readerId} does not support CRC-16; using checksums`);
        this.checkValue = 'checksum';
      }
    } catch (err) {
      this.log.warn(`reader ${this.readerId}: ${(err as Error).message}`);
    }
  }
}
