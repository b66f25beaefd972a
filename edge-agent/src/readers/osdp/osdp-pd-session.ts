/**
 * The control panel's conversation with one PD (one address on a line): sequence numbers,
 * retries, BUSY and NAK, offline detection, and what the PD reports in reply to POLL. It
 * composes the start-up (`PdDiscovery`: POLL with sequence 0, ID, CAP), the secure channel
 * (`PdSecureChannel`: keys, handshake, MACs) and the commands waiting to be sent
 * (`PdCommandQueue`). It never touches the port: the bus asks it for the next packet
 * (`prepare`) and hands it the reply (`onReply`) or the lack of one (`onNoReply`), one
 * exchange at a time.
 *
 * Card data from a reader configured for the secure channel counts only inside a session.
 */
import { EventEmitter } from 'node:events';
import type { SecureChannelState } from '@acs/shared/readers/reader-report';
import type { WiegandFormat } from '@acs/shared/credentials/wiegand';
import type { Logger } from '../../log/logger.js';
import {
  parseKeypad,
  parseLocalStatus,
  parseRaw,
  type CapabilitySummary,
  type LocalStatus,
  type PdCapability,
  type PdIdentity,
} from './osdp-messages.js';
import { encodePacket, type CheckType, type OsdpPacket, type Sequence } from './osdp-packet.js';
import { OsdpCommandError, PdCommandQueue, type CommandReply, type CommandRequest, type QueuedCommand } from './osdp-pd-command-queue.js';
import { PdDiscovery, type DiscoveryStep } from './osdp-pd-discovery.js';
import { PdSecureChannel, type HandshakeStep } from './osdp-pd-secure-channel.js';
import { CMD, commandName, describeNak, NAK, nakReason, REPLY, replyName, type NakReason } from './osdp-protocol.js';
import type { OsdpTiming } from './osdp-timing.js';
import { decodeRawCardData } from './raw-card-data.js';

// `send` rejects with this error: callers of the session find it beside it.
export { OsdpCommandError };

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

/** What an exchange is for: a start-up step, a handshake step, or (`ready`) a command or an idle POLL. */
type ExchangeStep = DiscoveryStep | HandshakeStep;

interface InFlight {
  step: ExchangeStep;
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
  private sequence: Sequence = 0;
  private online: boolean | null = null;
  private portUp = false;
  private readonly startedAt: number;
  private lastContactAt: number;
  private nextAt = 0;
  private inFlight: InFlight | null = null;
  private readonly discovery: PdDiscovery;
  private readonly secureChannel: PdSecureChannel;
  private readonly commands: PdCommandQueue;
  private lastSignature = '';

  constructor(private readonly options: PdSessionOptions) {
    super();
    this.readerId = options.readerId;
    this.addressValue = options.address;
    this.discovery = new PdDiscovery(options.readerId, options.check ?? 'crc', options.log);
    this.secureChannel = new PdSecureChannel({
      readerId: options.readerId,
      address: () => this.addressValue,
      enabled: options.secureChannel,
      timing: options.timing,
      log: options.log,
      now: () => this.now(),
      onKeyReset: (detail) => this.emit('keyReset', detail),
      onKeyPromoted: (key) => this.emit('keyPromoted', key),
    });
    this.commands = new PdCommandQueue(options.readerId, options.timing.keyInstallTimeoutMs);
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
    return this.secureChannel.isEstablished;
  }

  /** What the agent may use: null until CAP answered. */
  get capabilitySummary(): CapabilitySummary | null {
    return this.discovery.capabilitySummary;
  }

  /** False for commands the PD refused as unknown, or that its capabilities rule out. */
  supports(code: number): boolean {
    return this.discovery.supports(code);
  }

  status(): PdSessionStatus {
    return {
      address: this.addressValue,
      online: this.online,
      identity: this.discovery.identity,
      capabilities: this.discovery.capabilities,
      secureChannel: this.secureState(),
      check: this.discovery.check,
      provisioningUntil: this.secureChannel.provisioningUntil(this.now()),
    };
  }

  secureState(): SecureChannelState {
    return this.secureChannel.state();
  }

  // ---------------------------------------------------------------- keys and windows

  /** Keys the agent holds for this PD (the one in force, and one sent by KEYSET but not confirmed). */
  setKeys(current: Buffer | null, pending: Buffer | null): void {
    this.secureChannel.setKeys(current, pending);
    this.notifyIfChanged();
  }

  /** Allows SCBK-D until `until` (ms); a past time closes the window. */
  setProvisioningWindow(until: number | null): void {
    this.secureChannel.setProvisioningWindow(until);
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
    if (!request.requiresSecure && this.online === false && !request.waitMs) {
      return Promise.reject(new OsdpCommandError(`reader ${this.readerId} is offline`, 'offline'));
    }
    return this.commands.add(request, this.now());
  }

  /** Fails every queued command (the line is stopping). */
  abort(reason: string): void {
    const error = new OsdpCommandError(reason, 'stopped');
    this.commands.failAll(error);
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
    this.secureChannel.drop();
    this.sequence = 0;
    this.discovery.restart();
    this.setOnline(false);
    this.commands.fail((q) => !q.request.requiresSecure, 'offline', `reader ${this.readerId} is offline: the serial port is closed`);
  }

  /** When this session next wants the bus (ms); Infinity when it has nothing to send. */
  readyAt(now: number): number {
    if (!this.portUp) return Infinity;
    this.commands.expire(now, () => this.secureState());
    if (this.inFlight) return this.inFlight.retryAt;
    if (this.discovery.step !== 'ready' || this.secureChannel.handshakeStep) return this.nextAt;
    if (this.secureChannel.handshakeDue(now)) return now;
    if (this.commands.hasSendable(this.secureChannel.isEstablished)) return now;
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
    if (this.secureChannel.closeExpiredInstallSession(now)) this.notifyIfChanged();
    const step = this.discovery.step;
    if (step === 'ready' && this.secureChannel.handshakeDue(now)) this.secureChannel.beginHandshake();
    let built: Omit<InFlight, 'sends' | 'busy' | 'retryAt'>;
    if (step === 'ready' && this.secureChannel.handshakeStep) {
      const handshake = this.secureChannel.handshakeRequest();
      built = this.build(handshake.step, handshake.code, handshake.data, null, handshake.scb);
    } else if (step === 'ready') {
      const command = this.commands.takeSendable(this.secureChannel.isEstablished);
      built = command
        ? this.build('ready', command.request.code, Buffer.from(command.request.data ?? []), command)
        : this.build('ready', CMD.POLL, Buffer.alloc(0), null);
    } else {
      if (step === 'probe') this.sequence = 0;
      const request = this.discovery.request(step);
      built = this.build(step, request.code, request.data, null);
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

    const opened = this.secureChannel.openReply(packet, inFlight.secured);
    if (opened.kind === 'security_failure') {
      this.securityFailure(inFlight, opened.reason, now);
      return;
    }
    if (opened.kind === 'invalid') {
      this.invalidReply(opened.reason, now);
      return;
    }
    const { data } = opened;

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
        this.discovery.answered('probe', { code: packet.code, data });
        this.nextAt = now;
        this.handlePollReply(packet.code, data, receivedAtNs);
        break;
      case 'id':
        this.discovery.answered('id', { code: packet.code, data });
        this.nextAt = now;
        break;
      case 'cap':
        this.discovery.answered('cap', { code: packet.code, data });
        this.afterCapabilities(now);
        break;
      case 'chlng':
        if (this.secureChannel.onCcrypt(packet, data, now)) this.nextAt = now;
        break;
      case 'scrypt':
        if (this.secureChannel.onRmacI(packet, data, now)) this.nextAt = now;
        break;
      case 'ready':
        if (inFlight.command) {
          const command = inFlight.command;
          if (command.expect.includes(packet.code)) {
            if (command.request.code === CMD.KEYSET) this.secureChannel.afterKeyset(Buffer.from(command.request.data ?? []).subarray(2));
            command.resolve({ code: packet.code, data });
          } else {
            command.reject(
              new OsdpCommandError(`${commandName(command.request.code)} answered with ${replyName(packet.code)}`, 'unexpected_reply'),
            );
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

  private build(
    step: ExchangeStep,
    code: number,
    data: Buffer,
    command: QueuedCommand | null,
    handshakeScb?: Buffer,
  ): Omit<InFlight, 'sends' | 'busy' | 'retryAt'> {
    const secured = this.secureChannel.isEstablished && !handshakeScb;
    const fields = { address: this.addressValue, sequence: this.sequence, check: this.discovery.check, code, data };
    const mark = this.options.mark ?? true;
    const bytes = secured
      ? this.secureChannel.sealCommand(fields, mark)
      : encodePacket({ ...fields, reply: false, scb: handshakeScb ?? null }, { mark });
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
    this.secureChannel.drop();
    this.sequence = 0;
    this.discovery.restart();
    this.nextAt = now + this.options.timing.offlineProbeMs;
    inFlight?.command?.reject(new OsdpCommandError(`reader ${this.readerId} did not answer`, 'timeout'));
    this.commands.fail((q) => !q.request.requiresSecure && !q.request.waitMs, 'offline', `reader ${this.readerId} is offline`);
    this.setOnline(false);
    this.notifyIfChanged();
  }

  /** Back to POLL with sequence 0 (a sequence error, a new address): the PD resets too. */
  private restart(reason: string): void {
    this.options.log.debug(() => `reader ${this.readerId}: restarting communication (${reason})`);
    if (this.inFlight?.command) this.commands.putBack(this.inFlight.command);
    this.inFlight = null;
    this.secureChannel.drop();
    this.sequence = 0;
    this.discovery.restart();
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
      const outcome = reason === 'security_block_unsupported' && inFlight.step === 'chlng' ? 'unsupported' : 'failed';
      if (this.secureChannel.handshakeRefused(now, outcome)) this.nextAt = now;
      this.notifyIfChanged();
      return;
    }
    if (reason === 'security_conditions' || reason === 'security_block_unsupported') {
      // The PD wants a (new) secure session before it will do this. A PD that insists on it
      // answers every plaintext POLL so: that is logged once per state change, not 20 times a second.
      if (inFlight.code === CMD.POLL && !this.secureChannel.hasSession) log.debug(() => what);
      else log.warn(what);
      this.secureChannel.sessionRefused();
      if (
        inFlight.command &&
        this.options.secureChannel &&
        this.secureChannel.canHandshake(now) &&
        !inFlight.command.request.requiresSecure
      ) {
        inFlight.command.request.requiresSecure = true;
        this.commands.putBack(inFlight.command);
      } else {
        inFlight.command?.reject(new OsdpCommandError(what, `nak:${reason}`));
      }
    } else {
      log.warn(what);
      if (reason === 'unknown_command') this.discovery.markUnsupported(inFlight.code);
      inFlight.command?.reject(new OsdpCommandError(what, `nak:${reason}`));
    }
    if (inFlight.step === 'probe') {
      // A NAK is still an answer: the PD is there (it may insist on a secure session).
      this.setOnline(true);
      this.discovery.answered('probe', null);
      this.nextAt = now;
    } else if (inFlight.step === 'id') {
      this.discovery.answered('id', null);
      this.nextAt = now;
    } else if (inFlight.step === 'cap') {
      this.discovery.answered('cap', null);
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
    this.secureChannel.drop();
    this.secureChannel.handshakeNow();
    this.nextAt = now;
    inFlight.command?.reject(new OsdpCommandError(`${reason}`, 'secure_channel'));
    this.notifyIfChanged();
  }

  /** Start-up is done: commands and the secure channel may follow. */
  private afterCapabilities(now: number): void {
    this.nextAt = now;
    this.secureChannel.afterCapabilities(this.discovery.capabilitySummary);
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
    if (!this.options.secureChannel || this.secureChannel.isEstablished) return true;
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

  private notifyIfChanged(): void {
    const status = this.status();
    const signature = JSON.stringify(status);
    if (signature === this.lastSignature) return;
    this.lastSignature = signature;
    this.emit('changed');
  }
}
