/**
 * The control panel's conversation with one PD (one address on a line): sequence numbers,
 * start-up (POLL with sequence 0, ID, CAP, secure-channel handshake), retries, offline
 * detection, the command queue and the secure session. It never touches the port: the
 * bus asks it for the next packet (`prepare`) and hands it the reply (`onReply`) or the
 * lack of one (`onNoReply`), one exchange at a time.
 *
 * Secure-channel policy (hardware.md, OSDP; issue 7):
 * - the PD's own key (SCBK) when the agent holds one; the default key SCBK-D only while
 *   a provisioning window is open for this reader;
 * - a PD that had its own key and answers with a factory default key (SCBK-D, all-zero:
 *   `FACTORY_DEFAULT_KEYS`) raises `keyReset` (an alert) and is never re-keyed automatically;
 * - inside a session every reply must carry a valid MAC: a plaintext or badly MACed reply
 *   ends the session (and the command with it), then the handshake starts again;
 * - card data from a reader configured for the secure channel counts only inside a session.
 */
import { EventEmitter } from 'node:events';
import type { SecureChannelState } from '@acs/shared/readers/reader-report';
import type { Logger } from '../../log/logger.js';
import {
  parseKeypad,
  parseLocalStatus,
  parsePdcap,
  parsePdid,
  parseRaw,
  REPORT_REQUEST,
  summariseCapabilities,
  type CapabilitySummary,
  type LocalStatus,
  type PdCapability,
  type PdIdentity,
} from './osdp-messages.js';
import { encodePacket, type CheckType, type OsdpPacket, type Sequence } from './osdp-packet.js';
import { CMD, commandName, describeNak, NAK, nakReason, REPLY, replyName, SCS, scbHasMac, type NakReason } from './osdp-protocol.js';
import { CpSecureSession, SCBK_D, type KeyKind } from './osdp-secure-channel.js';
import type { OsdpTiming } from './osdp-timing.js';
import { decodeRawCardData } from './raw-card-data.js';
import type { WiegandFormat } from '@acs/shared/credentials/wiegand';

export class OsdpCommandError extends Error {
  override readonly name = 'OsdpCommandError';
  constructor(
    message: string,
    /**
     * `nak:<reason>`, `unexpected_reply`; `timeout`, `secure_channel` (sent, reply lost or
     * refused); `offline`, `not_sent` (never sent); `stopped`, `busy`.
     */
    readonly code: string,
  ) {
    super(message);
  }
}

export interface CommandRequest {
  code: number;
  data?: Uint8Array;
  /** Reply codes that complete the command (default: ACK). */
  expect?: number[];
  /** Wait for a secure session before sending; fail after `waitMs`. */
  requiresSecure?: boolean;
  /** How long the command may wait in the queue (for a session, or for the PD to come online). */
  waitMs?: number;
}

export interface CommandReply {
  code: number;
  /** Decrypted reply data. */
  data: Buffer;
}

export interface CardData {
  credential: string;
  receivedAtNs: bigint;
  reader: number;
  format: number;
  bitCount: number;
}

export interface KeypadData {
  keys: string;
  reader: number;
  receivedAtNs: bigint;
}

export interface PdSessionEvents {
  /** Anything in `status()` changed. */
  changed: [];
  card: [card: CardData];
  keypad: [keypad: KeypadData];
  /** The PD reported its tamper switch or power monitor (osdp_LSTATR in reply to POLL). */
  localStatus: [status: LocalStatus];
  /** The PD had its own key and answered with a factory default key. Raised once per episode. */
  keyReset: [detail: string];
  /** A session came up with the pending key (its KEYSET reply had been lost): it is now the key in force. */
  keyPromoted: [key: Buffer];
}

export interface PdSessionStatus {
  address: number;
  /** null until the first probe decides it. */
  online: boolean | null;
  identity: PdIdentity | null;
  capabilities: PdCapability[] | null;
  secureChannel: SecureChannelState;
  check: CheckType;
  provisioningUntil: number | null;
}

export interface PdSessionStats {
  exchanges: number;
  timeouts: number;
  retries: number;
  naks: number;
  busy: number;
  invalidReplies: number;
  securityFailures: number;
  refusedCards: number;
}

export interface PdSessionOptions {
  readerId: string;
  address: number;
  secureChannel: boolean;
  timing: OsdpTiming;
  log: Logger;
  /** Check characters to start with; a PD that declares no CRC support gets checksums. Default CRC. */
  check?: CheckType;
  /** Send the 0xFF mark byte. Default true. */
  mark?: boolean;
  /** Formats RAW Wiegand card data is decoded with (the shared table); default every built-in one. */
  wiegandFormats?: readonly WiegandFormat[];
  now?: () => number;
}

/** One packet to put on the wire, and what to match the reply against. */
export interface Exchange {
  bytes: Buffer;
  address: number;
  code: number;
}

type Step = 'probe' | 'id' | 'cap' | 'chlng' | 'scrypt' | 'ready';
/** A key to try in a handshake, captured when the handshake starts (the agent may change keys meanwhile). */
interface KeyCandidate {
  kind: 'current' | 'pending' | 'default';
  key: Buffer;
}

interface QueuedCommand {
  request: CommandRequest;
  expect: number[];
  deadline: number;
  resolve: (reply: CommandReply) => void;
  reject: (error: Error) => void;
}

interface InFlight {
  step: Step;
  /** The user command, when this exchange carries one (POLLs and start-up steps do not). */
  command: QueuedCommand | null;
  code: number;
  sequence: Sequence;
  bytes: Buffer;
  address: number;
  /** Sends so far. */
  sends: number;
  busy: number;
  /** Sent inside the established secure session: the reply must be MACed. */
  secured: boolean;
  retryAt: number;
}

const MAX_BUSY_REPLIES = 40;

export class OsdpPdSession extends EventEmitter<PdSessionEvents> {
  readonly readerId: string;
  readonly stats: PdSessionStats = {
    exchanges: 0,
    timeouts: 0,
    retries: 0,
    naks: 0,
    busy: 0,
    invalidReplies: 0,
    securityFailures: 0,
    refusedCards: 0,
  };
  private addressValue: number;
  private check: CheckType;
  private sequence: Sequence = 0;
  private step: Step = 'probe';
  private online: boolean | null = null;
  private portUp = false;
  private readonly startedAt: number;
  private lastContactAt: number;
  private nextAt = 0;
  private inFlight: InFlight | null = null;
  private readonly queue: QueuedCommand[] = [];
  private identity: PdIdentity | null = null;
  private capabilities: PdCapability[] | null = null;
  private summary: CapabilitySummary | null = null;
  private readonly unsupportedCommands = new Set<number>();

  // Secure channel.
  private secure: CpSecureSession | null = null;
  private currentKey: Buffer | null = null;
  private pendingKey: Buffer | null = null;
  private windowUntil: number | null = null;
  private candidates: KeyCandidate[] = [];
  private candidate: KeyCandidate | null = null;
  /** The osdp_SCRYPT payload between a verified CCRYPT and its sending. */
  private pendingScrypt: Buffer | null = null;
  private handshakeAt = 0;
  private handshakeOutcome: 'failed' | 'key_reset' | 'unsupported' | null = null;
  private keyResetRaised = false;
  private lastSignature = '';

  constructor(private readonly options: PdSessionOptions) {
    super();
    this.readerId = options.readerId;
    this.addressValue = options.address;
    this.check = options.check ?? 'crc';
    this.startedAt = this.now();
    this.lastContactAt = this.startedAt;
  }

  // ---------------------------------------------------------------- public state

  get address(): number {
    return this.addressValue;
  }

  get isOnline(): boolean {
    return this.online === true;
  }

  get isSecure(): boolean {
    return this.secure?.isEstablished ?? false;
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

  status(): PdSessionStatus {
    return {
      address: this.addressValue,
      online: this.online,
      identity: this.identity,
      capabilities: this.capabilities,
      secureChannel: this.secureState(),
      check: this.check,
      provisioningUntil: this.windowOpen(this.now()) ? this.windowUntil : null,
    };
  }

  secureState(): SecureChannelState {
    if (!this.options.secureChannel) return 'disabled';
    if (this.secure?.isEstablished) return this.secure.keyKind === 'scbk-d' ? 'install_mode' : 'secure';
    if (this.handshakeOutcome === 'unsupported') return 'unsupported';
    if (this.step === 'chlng' || this.step === 'scrypt') return 'establishing';
    if (this.handshakeOutcome) return this.handshakeOutcome;
    return this.canHandshake(this.now()) ? 'establishing' : 'awaiting_key';
  }

  // ---------------------------------------------------------------- keys and windows

  /** Keys the agent holds for this PD (the one in force, and one sent by KEYSET but not confirmed). */
  setKeys(current: Buffer | null, pending: Buffer | null): void {
    this.currentKey = current ? Buffer.from(current) : null;
    this.pendingKey = pending ? Buffer.from(pending) : null;
    this.handshakeAt = 0;
    this.notifyIfChanged();
  }

  /** Allows SCBK-D until `until` (ms); a past time closes the window. */
  setProvisioningWindow(until: number | null): void {
    this.windowUntil = until;
    // A newly opened window is used at once: no waiting for the handshake retry.
    if (this.windowOpen(this.now())) this.handshakeAt = 0;
    this.notifyIfChanged();
  }

  /** The PD now answers at another address (after COMSET): start again from sequence 0. */
  changeAddress(address: number): void {
    this.addressValue = address;
    this.restart('address changed');
  }

  // ---------------------------------------------------------------- commands

  /** Queues a command; resolves with its reply, rejects with {@link OsdpCommandError}. */
  send(request: CommandRequest): Promise<CommandReply> {
    return new Promise((resolve, reject) => {
      const now = this.now();
      if (!request.requiresSecure && this.online === false && !request.waitMs) {
        reject(new OsdpCommandError(`reader ${this.readerId} is offline`, 'offline'));
        return;
      }
      this.queue.push({
        request,
        expect: request.expect ?? [REPLY.ACK],
        deadline: now + (request.waitMs ?? this.options.timing.keyInstallTimeoutMs),
        resolve,
        reject,
      });
    });
  }

  /** Fails every queued command (the line is stopping). */
  abort(reason: string): void {
    const error = new OsdpCommandError(reason, 'stopped');
    for (const queued of this.queue.splice(0)) queued.reject(error);
    if (this.inFlight?.command) this.inFlight.command.reject(error);
    this.inFlight = null;
  }

  // ---------------------------------------------------------------- bus interface

  /** The port opened: probe at once. */
  onPortUp(): void {
    this.portUp = true;
    // Whether the PD is there is unknown again until the first probe answers (or does not).
    if (this.online === false) this.online = null;
    this.restart('port opened');
    this.nextAt = 0;
  }

  /** The port closed: nothing can be sent; the PD is offline for the agent. */
  onPortDown(): void {
    this.portUp = false;
    this.inFlight = null;
    this.dropSession();
    this.sequence = 0;
    this.step = 'probe';
    this.setOnline(false);
    this.failQueued((q) => !q.request.requiresSecure, 'offline', `reader ${this.readerId} is offline: the serial port is closed`);
  }

  /** When this session next wants the bus (ms); Infinity when it has nothing to send. */
  readyAt(now: number): number {
    if (!this.portUp) return Infinity;
    this.expireQueued(now);
    if (this.inFlight) return this.inFlight.retryAt;
    if (this.step !== 'ready') return this.nextAt;
    if (this.wantsHandshake(now) && now >= this.handshakeAt) return now;
    if (this.queue.some((q) => this.eligible(q))) return now;
    return this.nextAt;
  }

  /** The packet to send now, or null. */
  prepare(now: number): Exchange | null {
    if (!this.portUp) return null;
    if (this.inFlight) {
      if (this.inFlight.sends > 0) this.stats.retries += 1;
      this.inFlight.sends += 1;
      this.stats.exchanges += 1;
      return { bytes: this.inFlight.bytes, address: this.inFlight.address, code: this.inFlight.code };
    }
    this.closeExpiredInstallSession(now);
    if (this.step === 'ready' && this.wantsHandshake(now) && now >= this.handshakeAt) this.beginHandshake();
    let built: Omit<InFlight, 'sends' | 'busy' | 'retryAt'>;
    switch (this.step) {
      case 'probe':
        this.sequence = 0;
        built = this.build('probe', CMD.POLL, Buffer.alloc(0), null);
        break;
      case 'id':
        built = this.build('id', CMD.ID, REPORT_REQUEST, null);
        break;
      case 'cap':
        built = this.build('cap', CMD.CAP, REPORT_REQUEST, null);
        break;
      case 'chlng':
        built = this.build('chlng', CMD.CHLNG, this.secure!.cpRandom, null, this.secure!.challengeScb());
        break;
      case 'scrypt':
        built = this.build('scrypt', CMD.SCRYPT, this.pendingScrypt!, null, this.secure!.scryptScb());
        break;
      case 'ready': {
        const index = this.queue.findIndex((q) => this.eligible(q));
        if (index >= 0) {
          const [command] = this.queue.splice(index, 1);
          built = this.build('ready', command!.request.code, Buffer.from(command!.request.data ?? []), command!);
        } else {
          built = this.build('ready', CMD.POLL, Buffer.alloc(0), null);
        }
        break;
      }
    }
    this.inFlight = { ...built, sends: 1, busy: 0, retryAt: now };
    this.stats.exchanges += 1;
    return { bytes: built.bytes, address: built.address, code: built.code };
  }

  /** A reply from this PD's address arrived for the exchange in flight. */
  onReply(packet: OsdpPacket, receivedAtNs: bigint, now: number): void {
    const inFlight = this.inFlight;
    if (!inFlight) return;
    const { log } = this.options;

    // BUSY carries nothing and changes nothing, so it is accepted as the PDs send it:
    // in plain text, with sequence 0 or the command's own. The same packet goes again.
    if (packet.code === REPLY.BUSY && !packet.scb && (packet.sequence === 0 || packet.sequence === inFlight.sequence)) {
      this.stats.busy += 1;
      this.contact(now);
      inFlight.busy += 1;
      if (inFlight.busy > MAX_BUSY_REPLIES) {
        log.warn(`reader ${this.readerId} stayed busy; ${commandName(inFlight.code)} abandoned`);
        this.inFlight = null;
        this.restart('the PD stayed busy');
        inFlight.command?.reject(new OsdpCommandError('the reader stayed busy', 'busy'));
        return;
      }
      inFlight.sends -= 1;
      inFlight.retryAt = now + this.options.timing.busyRetryMs;
      return;
    }
    // A NAK 4 (sequence error) comes in plain text with the PD's own sequence number, which
    // need not match ours: checked like any reply, it would be retried until the counters
    // happen to meet or the PD is declared offline. The PD is asking for a restart and gets
    // one at once (as libosdp does), inside a secure session too: the restart ends it anyway.
    if (packet.code === REPLY.NAK && !packet.scb && packet.data[0] === NAK.SEQUENCE) {
      this.contact(now);
      this.handleNak(inFlight, packet.data, now);
      return;
    }
    if (packet.sequence !== inFlight.sequence) {
      this.invalidReply(`sequence ${packet.sequence}, expected ${inFlight.sequence}`, now);
      return;
    }

    let data = packet.data;
    if (inFlight.secured) {
      const type = packet.scb?.[1];
      if (!packet.scb || (type !== SCS.REPLY_MAC && type !== SCS.REPLY_MAC_ENC) || !packet.mac) {
        this.securityFailure(inFlight, `plaintext ${replyName(packet.code)} inside the secure session refused`, now);
        return;
      }
      if (!this.secure!.verifyReplyMac(packet.macInput, packet.mac)) {
        this.securityFailure(inFlight, `MAC of ${replyName(packet.code)} does not verify`, now);
        return;
      }
      if (type === SCS.REPLY_MAC_ENC) {
        const plain = this.secure!.decryptReplyData(packet.data);
        if (!plain) {
          this.securityFailure(inFlight, `encrypted data of ${replyName(packet.code)} does not decrypt`, now);
          return;
        }
        data = plain;
      }
    } else if (packet.scb && scbHasMac(packet.scb[1]!)) {
      this.invalidReply(`MACed ${replyName(packet.code)} outside a secure session`, now);
      return;
    }

    // A valid reply: the exchange is complete.
    this.contact(now);
    if (packet.code === REPLY.NAK) {
      this.handleNak(inFlight, data, now);
      return;
    }
    this.inFlight = null;
    this.advanceSequence();
    this.nextAt = now + this.options.timing.pollIntervalMs;
    switch (inFlight.step) {
      case 'probe':
        this.setOnline(true);
        this.step = 'id';
        this.nextAt = now;
        this.handlePollReply(packet.code, data, receivedAtNs);
        break;
      case 'id':
        this.readIdentity(packet.code, data);
        this.step = 'cap';
        this.nextAt = now;
        break;
      case 'cap':
        this.readCapabilities(packet.code, data);
        this.afterCapabilities(now);
        break;
      case 'chlng':
        this.handleCcrypt(packet, data, now);
        break;
      case 'scrypt':
        this.handleRmacI(packet, data, now);
        break;
      case 'ready':
        if (inFlight.command) {
          const command = inFlight.command;
          if (command.expect.includes(packet.code)) {
            if (command.request.code === CMD.KEYSET) this.afterKeyset(Buffer.from(command.request.data ?? []).subarray(2));
            command.resolve({ code: packet.code, data });
          } else {
            command.reject(new OsdpCommandError(`${commandName(command.request.code)} answered with ${replyName(packet.code)}`, 'unexpected_reply'));
          }
        } else {
          this.handlePollReply(packet.code, data, receivedAtNs);
        }
        break;
    }
    this.notifyIfChanged();
  }

  /** No valid reply in time (or the PD's bytes were unusable). */
  onNoReply(now: number): void {
    const inFlight = this.inFlight;
    if (!inFlight) return;
    this.stats.timeouts += 1;
    this.failedAttempt(inFlight, now);
  }

  // ---------------------------------------------------------------- internals

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private build(step: Step, code: number, data: Buffer, command: QueuedCommand | null, handshakeScb?: Buffer): Omit<InFlight, 'sends' | 'busy' | 'retryAt'> {
    const secured = this.secure?.isEstablished === true && !handshakeScb;
    let bytes: Buffer;
    if (secured) {
      const session = this.secure!;
      const encrypt = data.length > 0;
      bytes = encodePacket(
        {
          address: this.addressValue,
          reply: false,
          sequence: this.sequence,
          check: this.check,
          scb: Buffer.from([2, encrypt ? SCS.CMD_MAC_ENC : SCS.CMD_MAC]),
          code,
          data: encrypt ? session.encryptCommandData(data) : data,
        },
        { mark: this.options.mark ?? true, mac: (input) => session.commandMacFor(input) },
      );
    } else {
      bytes = encodePacket(
        { address: this.addressValue, reply: false, sequence: this.sequence, check: this.check, scb: handshakeScb ?? null, code, data },
        { mark: this.options.mark ?? true },
      );
    }
    return { step, command, code, sequence: this.sequence, bytes, address: this.addressValue, secured };
  }

  private advanceSequence(): void {
    this.sequence = this.sequence >= 3 ? 1 : ((this.sequence + 1) as Sequence);
  }

  private contact(now: number): void {
    this.lastContactAt = now;
  }

  private setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    this.options.log.info(`reader ${this.readerId} (address ${this.addressValue}) is ${online ? 'online' : 'offline'}`);
    this.notifyIfChanged();
  }

  private failedAttempt(inFlight: InFlight, now: number): void {
    const { timing } = this.options;
    if (inFlight.step === 'probe' && this.online !== true) {
      // Probes of a PD not (yet) online are not retried: the next one comes after the probe interval.
      this.inFlight = null;
      this.nextAt = now + timing.offlineProbeMs;
      if (this.online === null && now - this.startedAt >= timing.offlineAfterMs) this.goOffline(now, 'no reply since start');
      return;
    }
    if (inFlight.sends > timing.maxRetries || now - this.lastContactAt >= timing.offlineAfterMs) {
      this.goOffline(now, `no reply to ${commandName(inFlight.code)} after ${inFlight.sends} sends`);
      return;
    }
    inFlight.retryAt = now + timing.retryDelayMs;
  }

  private invalidReply(reason: string, now: number): void {
    this.stats.invalidReplies += 1;
    this.options.log.debug(() => `reader ${this.readerId}: reply ignored: ${reason}`);
    if (this.inFlight) this.failedAttempt(this.inFlight, now);
  }

  private goOffline(now: number, reason: string): void {
    const inFlight = this.inFlight;
    this.inFlight = null;
    this.options.log.warn(`reader ${this.readerId} (address ${this.addressValue}) offline: ${reason}`);
    this.dropSession();
    this.sequence = 0;
    this.step = 'probe';
    this.nextAt = now + this.options.timing.offlineProbeMs;
    inFlight?.command?.reject(new OsdpCommandError(`reader ${this.readerId} did not answer`, 'timeout'));
    this.failQueued((q) => !q.request.requiresSecure && !q.request.waitMs, 'offline', `reader ${this.readerId} is offline`);
    this.setOnline(false);
    this.notifyIfChanged();
  }

  /** Back to POLL with sequence 0 (a sequence error, a new address): the PD resets too. */
  private restart(reason: string): void {
    this.options.log.debug(() => `reader ${this.readerId}: restarting communication (${reason})`);
    if (this.inFlight?.command) this.queue.unshift(this.inFlight.command);
    this.inFlight = null;
    this.dropSession();
    this.sequence = 0;
    this.step = 'probe';
    this.nextAt = 0;
    this.notifyIfChanged();
  }

  private handleNak(inFlight: InFlight, data: Buffer, now: number): void {
    this.stats.naks += 1;
    const code = data[0] ?? 0;
    const reason: NakReason = nakReason(code);
    const { log } = this.options;
    const what = `${commandName(inFlight.code)} to reader ${this.readerId}: ${describeNak(code)}`;
    switch (reason) {
      case 'check_character':
        // The PD did not take the packet: send the very same bytes again.
        log.debug(() => what);
        this.failedAttempt(inFlight, now);
        return;
      case 'sequence':
        if (inFlight.sequence === 0) {
          // A restart would send this very packet again: count it as a failed attempt, so a
          // PD that refuses sequence 0 goes offline instead of keeping the line busy.
          log.debug(() => what);
          this.failedAttempt(inFlight, now);
          return;
        }
        log.warn(`${what}; restarting from sequence 0`);
        this.restart('the PD reported a sequence error');
        return;
      default:
        break;
    }
    this.inFlight = null;
    this.advanceSequence();
    this.nextAt = now + this.options.timing.pollIntervalMs;
    if (inFlight.step === 'chlng' || inFlight.step === 'scrypt') {
      log.warn(`secure channel handshake with reader ${this.readerId} refused: ${describeNak(code)}`);
      this.handshakeCandidateFailed(now, reason === 'security_block_unsupported' && inFlight.step === 'chlng' ? 'unsupported' : 'failed');
      this.notifyIfChanged();
      return;
    }
    if (reason === 'security_conditions' || reason === 'security_block_unsupported') {
      // The PD wants a (new) secure session before it will do this. A PD that insists on it
      // answers every plaintext POLL so: that is logged once per state change, not 20 times a second.
      if (inFlight.code === CMD.POLL && !this.secure) log.debug(() => what);
      else log.warn(what);
      const hadSession = this.secure !== null;
      this.dropSession();
      // A session just lost is set up again at once; without one, the handshake keeps its own schedule.
      if (hadSession) this.handshakeAt = 0;
      if (inFlight.command && this.options.secureChannel && this.canHandshake(now) && !inFlight.command.request.requiresSecure) {
        inFlight.command.request.requiresSecure = true;
        this.queue.unshift(inFlight.command);
      } else {
        inFlight.command?.reject(new OsdpCommandError(what, `nak:${reason}`));
      }
    } else {
      log.warn(what);
      if (reason === 'unknown_command') this.unsupportedCommands.add(inFlight.code);
      inFlight.command?.reject(new OsdpCommandError(what, `nak:${reason}`));
    }
    if (inFlight.step === 'probe') {
      // A NAK is still an answer: the PD is there (it may insist on a secure session).
      this.setOnline(true);
      this.step = 'id';
      this.nextAt = now;
    } else if (inFlight.step === 'id') {
      this.step = 'cap';
      this.nextAt = now;
    } else if (inFlight.step === 'cap') {
      this.afterCapabilities(now);
    }
    this.notifyIfChanged();
  }

  private securityFailure(inFlight: InFlight, reason: string, now: number): void {
    this.stats.securityFailures += 1;
    this.options.log.warn(`reader ${this.readerId}: ${reason}; secure session dropped`);
    // The PD answered (it is there), but nothing it said in this reply counts.
    this.contact(now);
    this.inFlight = null;
    this.advanceSequence();
    this.dropSession();
    this.handshakeAt = 0;
    this.nextAt = now;
    inFlight.command?.reject(new OsdpCommandError(`${reason}`, 'secure_channel'));
    this.notifyIfChanged();
  }

  private readIdentity(code: number, data: Buffer): void {
    if (code !== REPLY.PDID) {
      this.options.log.warn(`reader ${this.readerId} answered ID with ${replyName(code)}`);
      return;
    }
    try {
      this.identity = parsePdid(data);
    } catch (err) {
      this.options.log.warn(`reader ${this.readerId}: ${(err as Error).message}`);
    }
  }

  private readCapabilities(code: number, data: Buffer): void {
    if (code !== REPLY.PDCAP) {
      this.options.log.warn(`reader ${this.readerId} answered CAP with ${replyName(code)}`);
      return;
    }
    try {
      this.capabilities = parsePdcap(data);
      this.summary = summariseCapabilities(this.capabilities);
      if (!this.summary.crc && this.check === 'crc') {
        this.options.log.info(`reader ${this.readerId} does not support CRC-16; using checksums`);
        this.check = 'checksum';
      }
    } catch (err) {
      this.options.log.warn(`reader ${this.readerId}: ${(err as Error).message}`);
    }
  }

  private afterCapabilities(now: number): void {
    this.step = 'ready';
    this.nextAt = now;
    if (!this.options.secureChannel) return;
    if (this.summary && !this.summary.secureChannel) {
      if (this.handshakeOutcome !== 'unsupported') {
        this.options.log.error(`reader ${this.readerId} has no secure channel but the configuration asks for one; its cards are refused`);
      }
      this.handshakeOutcome = 'unsupported';
      return;
    }
    if (this.handshakeOutcome === 'unsupported') this.handshakeOutcome = null;
    this.handshakeAt = 0;
  }

  private windowOpen(now: number): boolean {
    return this.windowUntil !== null && now < this.windowUntil;
  }

  private canHandshake(now: number): boolean {
    return this.currentKey !== null || this.pendingKey !== null || this.windowOpen(now);
  }

  private wantsHandshake(now: number): boolean {
    return this.options.secureChannel && !this.secure && this.handshakeOutcome !== 'unsupported' && this.canHandshake(now);
  }

  private beginHandshake(): void {
    const now = this.now();
    this.candidates = [];
    if (this.currentKey) this.candidates.push({ kind: 'current', key: this.currentKey });
    if (this.pendingKey) this.candidates.push({ kind: 'pending', key: this.pendingKey });
    if (this.windowOpen(now)) this.candidates.push({ kind: 'default', key: SCBK_D });
    this.nextCandidate();
  }

  /** Starts CHLNG with the next key candidate; false when none is left. */
  private nextCandidate(): boolean {
    const candidate = this.candidates.shift();
    if (!candidate) {
      this.candidate = null;
      this.secure = null;
      this.step = 'ready';
      return false;
    }
    this.candidate = candidate;
    const kind: KeyKind = candidate.kind === 'default' ? 'scbk-d' : 'scbk';
    this.secure = new CpSecureSession(candidate.key, kind);
    this.step = 'chlng';
    return true;
  }

  private handleCcrypt(packet: OsdpPacket, data: Buffer, now: number): void {
    const session = this.secure;
    if (!session || packet.code !== REPLY.CCRYPT || packet.scb?.[1] !== SCS.CCRYPT) {
      this.options.log.warn(`reader ${this.readerId} answered CHLNG with ${replyName(packet.code)}`);
      this.handshakeCandidateFailed(now, 'failed');
      return;
    }
    const check = session.checkCcrypt(data);
    const pdUsedDefault = packet.scb[2] === 0;
    if (check.verified && check.scrypt) {
      this.pendingScrypt = check.scrypt;
      this.step = 'scrypt';
      this.nextAt = now;
      return;
    }
    // A PD that marks its answer as SCBK-D (security block data 0) is taken at its word; one
    // that claims its own key is recognised by the factory key its cryptogram verifies under.
    const factoryKey = check.factoryKey ?? (pdUsedDefault ? 'SCBK-D' : null);
    if (this.candidate?.kind === 'current' && factoryKey) {
      this.handshakeOutcome = 'key_reset';
      if (!this.keyResetRaised) {
        this.keyResetRaised = true;
        const detail = `reader ${this.readerId} (address ${this.addressValue}) had its own key and now answers with the factory default key ${factoryKey}; not re-keyed automatically`;
        this.options.log.error(detail);
        this.emit('keyReset', detail);
      }
    }
    this.handshakeCandidateFailed(now, this.handshakeOutcome === 'key_reset' ? 'key_reset' : 'failed');
  }

  private handleRmacI(packet: OsdpPacket, data: Buffer, now: number): void {
    const session = this.secure;
    if (!session || packet.code !== REPLY.RMAC_I || packet.scb?.[1] !== SCS.RMAC_I || !session.acceptRmacI(packet.scb[2] ?? 0, data)) {
      this.options.log.warn(`reader ${this.readerId}: R-MAC-I did not verify`);
      this.handshakeCandidateFailed(now, 'failed');
      return;
    }
    this.step = 'ready';
    this.nextAt = now;
    this.pendingScrypt = null;
    if (this.candidate?.kind === 'current') {
      this.handshakeOutcome = null;
      this.keyResetRaised = false;
    } else if (this.candidate?.kind === 'pending') {
      this.handshakeOutcome = null;
      this.keyResetRaised = false;
      this.currentKey = this.candidate.key;
      this.pendingKey = null;
      this.emit('keyPromoted', Buffer.from(this.candidate.key));
    } else if (this.handshakeOutcome !== 'key_reset') {
      this.handshakeOutcome = null;
    }
    this.options.log.info(
      `secure channel with reader ${this.readerId} established${session.keyKind === 'scbk-d' ? ' with the default key (install mode)' : ''}`,
    );
  }

  private handshakeCandidateFailed(now: number, outcome: 'failed' | 'key_reset' | 'unsupported'): void {
    this.pendingScrypt = null;
    if (outcome !== 'unsupported' && this.nextCandidate()) {
      this.nextAt = now;
      return;
    }
    this.secure = null;
    this.step = 'ready';
    if (this.handshakeOutcome !== 'key_reset' || outcome === 'unsupported') {
      if (this.handshakeOutcome !== outcome) this.options.log.error(`secure channel with reader ${this.readerId}: ${outcome}`);
      this.handshakeOutcome = outcome;
    }
    this.handshakeAt = now + this.options.timing.handshakeRetryMs;
    this.nextAt = now + this.options.timing.pollIntervalMs;
  }

  private afterKeyset(key: Buffer): void {
    // The PD switches to the new key once it has answered; the next session uses it.
    this.currentKey = Buffer.from(key);
    this.pendingKey = null;
    this.dropSession();
    this.handshakeOutcome = null;
    this.keyResetRaised = false;
    this.handshakeAt = 0;
  }

  private dropSession(): void {
    this.secure = null;
    this.pendingScrypt = null;
    this.candidate = null;
    this.candidates = [];
    if (this.step === 'chlng' || this.step === 'scrypt') this.step = 'ready';
  }

  private closeExpiredInstallSession(now: number): void {
    if (this.secure?.isEstablished && this.secure.keyKind === 'scbk-d' && !this.windowOpen(now)) {
      this.options.log.info(`provisioning window of reader ${this.readerId} closed; leaving install mode`);
      this.dropSession();
      this.handshakeAt = 0;
      this.notifyIfChanged();
    }
  }

  private handlePollReply(code: number, data: Buffer, receivedAtNs: bigint): void {
    switch (code) {
      case REPLY.ACK:
        return;
      case REPLY.RAW:
        this.onCardData(data, receivedAtNs);
        return;
      case REPLY.KEYPAD:
        this.onKeypad(data, receivedAtNs);
        return;
      case REPLY.LSTATR:
        this.onLocalStatus(data);
        return;
      default:
        this.options.log.debug(() => `reader ${this.readerId}: ${replyName(code)} to POLL ignored`);
    }
  }

  private cardsAllowed(what: string): boolean {
    if (!this.options.secureChannel || this.secure?.isEstablished) return true;
    this.stats.refusedCards += 1;
    this.options.log.warn(`reader ${this.readerId}: ${what} outside the secure channel refused (${this.secureState()})`);
    return false;
  }

  private onCardData(data: Buffer, receivedAtNs: bigint): void {
    if (!this.cardsAllowed('card data')) return;
    try {
      const raw = parseRaw(data);
      const credential = decodeRawCardData(raw.format, raw.bitCount, raw.data, this.options.wiegandFormats);
      this.emit('card', { credential, receivedAtNs, reader: raw.reader, format: raw.format, bitCount: raw.bitCount });
    } catch (err) {
      this.options.log.warn(`reader ${this.readerId}: card data ignored: ${(err as Error).message}`);
    }
  }

  /**
   * Tamper and power reports count even outside a required secure channel: a forged
   * "tampered" costs a guard a look, while dropping a real one hides a reader being torn off.
   */
  private onLocalStatus(data: Buffer): void {
    try {
      this.emit('localStatus', parseLocalStatus(data));
    } catch (err) {
      this.options.log.warn(`reader ${this.readerId}: local status ignored: ${(err as Error).message}`);
    }
  }

  private onKeypad(data: Buffer, receivedAtNs: bigint): void {
    if (!this.cardsAllowed('keypad data')) return;
    try {
      const keypad = parseKeypad(data);
      this.emit('keypad', { keys: keypad.keys, reader: keypad.reader, receivedAtNs });
    } catch (err) {
      this.options.log.warn(`reader ${this.readerId}: keypad data ignored: ${(err as Error).message}`);
    }
  }

  private eligible(queued: QueuedCommand): boolean {
    return !queued.request.requiresSecure || this.secure?.isEstablished === true;
  }

  private expireQueued(now: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const queued = this.queue[i]!;
      if (now < queued.deadline) continue;
      this.queue.splice(i, 1);
      queued.reject(
        new OsdpCommandError(
          queued.request.requiresSecure
            ? `no secure session with reader ${this.readerId} in time (${this.secureState()})`
            : `reader ${this.readerId} did not come online in time`,
          'not_sent',
        ),
      );
    }
  }

  private failQueued(which: (queued: QueuedCommand) => boolean, code: string, message: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const queued = this.queue[i]!;
      if (!which(queued)) continue;
      this.queue.splice(i, 1);
      queued.reject(new OsdpCommandError(message, code));
    }
  }

  private notifyIfChanged(): void {
    const status = this.status();
    const signature = JSON.stringify(status);
    if (signature === this.lastSignature) return;
    this.lastSignature = signature;
    this.emit('changed');
  }
}
