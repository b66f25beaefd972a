/**
 * A simulated OSDP peripheral device: a card reader with an LED, a buzzer and a keypad,
 * its identity and capabilities, a secure channel with its own key store, and faults on
 * demand. It answers the commands `SimOsdpLine` hands it; what it was told (LED, buzzer,
 * commands received) stays visible to tests.
 */
import { randomBytes } from 'node:crypto';
import {
  BUILT_IN_WIEGAND_FORMATS,
  bitsToString,
  encodeWiegand,
  type WiegandFormat,
  type WiegandNumber,
} from '@acs/shared/credentials/wiegand';
import { buildSimReply, SCBK_DEFAULT, simChecksum, simCrc16, SimSecureSession, type SimFrame } from './sim-osdp-wire.js';

export interface SimOsdpIdentity {
  /** Three bytes, wire order. */
  vendorCode: [number, number, number];
  model: number;
  version: number;
  serialNumber: number;
  firmware: [number, number, number];
}

export interface SimOsdpCapability {
  function: number;
  compliance: number;
  items: number;
}

export interface SimOsdpPdOptions {
  address: number;
  identity?: Partial<SimOsdpIdentity>;
  capabilities?: SimOsdpCapability[];
  /** The PD's own key; absent: factory state (install mode). */
  scbk?: Buffer | null;
  /**
   * The key the PD uses in factory state when asked for its own key; default SCBK-D. Some
   * readers fall back to another default (all zeros is common) and present it as their own.
   */
  factoryKey?: Buffer;
  /** Refuse every command but ID, CAP and the handshake outside a secure session (NAK 6). */
  requireSecure?: boolean;
}

export const DEFAULT_SIM_CAPABILITIES: SimOsdpCapability[] = [
  { function: 3, compliance: 1, items: 0 }, // card data: raw / Wiegand bits
  { function: 4, compliance: 1, items: 1 }, // one reader LED
  { function: 5, compliance: 1, items: 1 }, // a buzzer
  { function: 8, compliance: 1, items: 0 }, // CRC-16
  { function: 9, compliance: 1, items: 1 }, // AES-128 secure channel
  { function: 10, compliance: 0, items: 1 }, // receive buffer
  { function: 13, compliance: 0, items: 1 }, // one reader
  { function: 16, compliance: 2, items: 0 }, // OSDP v2.2
];

export type SimFaultKind =
  /** Process the command, send nothing. */
  | 'drop_reply'
  /** Flip a bit of the reply's CRC (or checksum). */
  | 'corrupt_check'
  /** Reply with another sequence number. */
  | 'wrong_sequence'
  /** Answer osdp_BUSY without processing. */
  | 'busy'
  /** Flip a bit of the reply's MAC (secure session only). */
  | 'corrupt_mac'
  /** Inside a session, reply in plain text. */
  | 'plaintext_reply';

export interface LedState {
  temporary: { onTime: number; offTime: number; onColor: number; offColor: number; timer: number } | null;
  permanent: { onTime: number; offTime: number; onColor: number; offColor: number } | null;
}

export interface BuzzerState {
  tone: number;
  onTime: number;
  offTime: number;
  count: number;
}

export interface ReceivedCommand {
  code: number;
  sequence: number;
  /** Security block type, or null for plain text. */
  scbType: number | null;
  /** For CHLNG: which key the CP asked for (0 SCBK-D, 1 SCBK). */
  keySelector: number | null;
  atMs: number;
}

/** What the PD has to send on POLL. */
type PendingEvent =
  | { kind: 'card'; format: number; bitCount: number; data: Buffer; presentedAtNs: bigint }
  | { kind: 'keypad'; keys: string }
  /** osdp_LSTATR, sent on POLL when the tamper switch or power monitor changes. */
  | { kind: 'status' };

export interface OutgoingReply {
  bytes: Buffer;
  /** Extra delay before the reply (the slow-reply fault). */
  delayMs: number;
  /** Applied after the reply has been sent (COMSET, KEYSET). */
  after?: () => void;
}

const NAK = { CHECK: 1, LENGTH: 2, UNKNOWN: 3, SEQUENCE: 4, SC_UNSUPPORTED: 5, SC_CONDITIONS: 6 } as const;

export class SimOsdpPd {
  address: number;
  baudRate: number | null = null;
  readonly identity: SimOsdpIdentity;
  readonly capabilities: SimOsdpCapability[];
  requireSecure: boolean;
  /** The key store: null means factory state (install mode). */
  private scbk: Buffer | null;
  private factoryKey: Buffer;
  private session: SimSecureSession | null = null;
  private handshake: SimSecureSession | null = null;
  private lastSequence: number | null = null;
  private lastReply: Buffer | null = null;
  private readonly events: PendingEvent[] = [];
  private readonly faults = new Map<SimFaultKind, { left: number; command: number | null }>();
  /** Code of the command being answered (faults may target one command). */
  private answering = 0;
  private nakNext: { code: number; count: number; command: number | null } | null = null;
  private slowMs = 0;
  private notTaken = false;
  readonly leds = new Map<number, LedState>();
  buzzer: BuzzerState | null = null;
  readonly received: ReceivedCommand[] = [];
  /** Cards sent in reply to POLL, with when they were presented. */
  readonly delivered: Array<{ presentedAtNs: bigint; sentAtNs: bigint }> = [];
  keysets = 0;
  /** The tamper switch and the power monitor (osdp_LSTAT / LSTATR). */
  tamper = false;
  powerFailure = false;

  constructor(options: SimOsdpPdOptions) {
    this.address = options.address;
    this.identity = {
      vendorCode: [0x5a, 0x43, 0x53],
      model: 2,
      version: 1,
      serialNumber: 0x1000 + options.address,
      firmware: [1, 4, 2],
      ...options.identity,
    };
    this.capabilities = options.capabilities ?? DEFAULT_SIM_CAPABILITIES;
    this.scbk = options.scbk ? Buffer.from(options.scbk) : null;
    this.factoryKey = Buffer.from(options.factoryKey ?? SCBK_DEFAULT);
    this.requireSecure = options.requireSecure ?? false;
  }

  // ---------------------------------------------------------------- what tests do

  /** Presents a card: its Wiegand bits (format 1) or raw bits (format 0), sent on the next POLL. */
  presentBits(bits: string, format: 0 | 1 = 1): void {
    if (!/^[01]{1,256}$/.test(bits)) throw new RangeError('bits must be 1-256 characters of 0 and 1');
    const data = Buffer.alloc(Math.ceil(bits.length / 8));
    for (let i = 0; i < bits.length; i++) if (bits[i] === '1') data[i >> 3]! |= 0x80 >> (i & 7);
    this.events.push({ kind: 'card', format, bitCount: bits.length, data, presentedAtNs: process.hrtime.bigint() });
  }

  /** Presents a card of a Wiegand format (the shared format table's encoder), as RAW format 1. */
  presentWiegand(format: WiegandFormat, number: WiegandNumber): void {
    this.presentBits(bitsToString(encodeWiegand(format, number)));
  }

  /** Presents a 26-bit H10301 card. */
  presentH10301(facility: number, card: number): void {
    this.presentWiegand(BUILT_IN_WIEGAND_FORMATS.h10301!, { facility, card });
  }

  /** Keys typed on the keypad: digits, `*`, `#`. */
  type(keys: string): void {
    if (!/^[0-9*#]{1,32}$/.test(keys)) throw new RangeError('keys: 1-32 of 0-9, * and #');
    this.events.push({ kind: 'keypad', keys });
  }

  /** The enclosure is opened (true) or closed again (false): reported on the next POLL. */
  setTamper(active: boolean): void {
    if (this.tamper === active) return;
    this.tamper = active;
    this.events.push({ kind: 'status' });
  }

  /** The power monitor reports a failure (true) or normal power (false). */
  setPowerFailure(failed: boolean): void {
    if (this.powerFailure === failed) return;
    this.powerFailure = failed;
    this.events.push({ kind: 'status' });
  }

  /** Misbehaves for the next `count` replies (Infinity: until cleared), to command `command` only if given. */
  fault(kind: SimFaultKind, count = Infinity, command?: number): void {
    this.faults.set(kind, { left: count, command: command ?? null });
  }

  /** Answers the next `count` commands (of code `command`, if given) with NAK `code`. */
  nak(code: number, count = 1, command?: number): void {
    this.nakNext = { code, count, command: command ?? null };
  }

  /** Every reply waits this long first. */
  slowReplies(ms: number): void {
    this.slowMs = ms;
  }

  clearFaults(): void {
    this.faults.clear();
    this.nakNext = null;
    this.slowMs = 0;
  }

  /**
   * Forgets its own key, as a reader reset to factory defaults: from now on it answers a
   * challenge for its own key with `factoryKey` (SCBK-D unless given, e.g. all zeros).
   */
  keyReset(factoryKey: Buffer = SCBK_DEFAULT): void {
    if (factoryKey.length !== 16) throw new RangeError('a factory key is 16 bytes');
    this.scbk = null;
    this.factoryKey = Buffer.from(factoryKey);
    this.session = null;
    this.handshake = null;
  }

  /** Loses power and comes back: its sequence and any secure session are gone, its key store is kept. */
  powerCycle(): void {
    this.lastSequence = null;
    this.lastReply = null;
    this.session = null;
    this.handshake = null;
  }

  /** The key in the PD's store (tests compare it with the agent's). */
  get key(): Buffer | null {
    return this.scbk ? Buffer.from(this.scbk) : null;
  }

  get secureSessionActive(): boolean {
    return this.session?.active ?? false;
  }

  get sessionUsesDefaultKey(): boolean {
    return this.session?.usesDefaultKey ?? false;
  }

  get pendingEvents(): number {
    return this.events.length;
  }

  led(number = 0): LedState | undefined {
    return this.leds.get(number);
  }

  // ---------------------------------------------------------------- the protocol

  /** Handles one command addressed to this PD; returns the reply to send, or null. */
  handle(frame: SimFrame, nowMs: number): OutgoingReply | null {
    const delayMs = this.slowMs;
    if (!frame.checkOk) return { bytes: this.plainReply(frame, 0x41, Buffer.from([NAK.CHECK])), delayMs };
    this.answering = frame.code;
    this.received.push({
      code: frame.code,
      sequence: frame.sequence,
      scbType: frame.scb?.[1] ?? null,
      keySelector: frame.code === 0x76 && frame.scb ? (frame.scb[2] ?? null) : null,
      atMs: nowMs,
    });
    if (this.take('busy')) return { bytes: this.plainReply(frame, 0x79, Buffer.alloc(0)), delayMs };

    // Sequence: 0 restarts the conversation (and ends any session); a repeat gets the last reply again.
    if (frame.sequence === 0) {
      this.lastSequence = null;
      this.lastReply = null;
      this.session = null;
    } else if (this.lastSequence !== null && frame.sequence === this.lastSequence && this.lastReply) {
      return this.send(this.lastReply, frame, delayMs);
    } else if (this.lastSequence === null || frame.sequence !== nextSequence(this.lastSequence)) {
      return this.send(this.sequenceNak(frame), frame, delayMs);
    }

    let after: (() => void) | undefined;
    this.notTaken = false;
    const reply = this.process(frame, nowMs, (fn) => (after = fn));

    if (!this.notTaken) {
      this.lastSequence = frame.sequence;
      this.lastReply = reply;
    }
    return this.send(reply, frame, delayMs, after);
  }

  private process(frame: SimFrame, nowMs: number, afterReply: (fn: () => void) => void): Buffer {
    const scbType = frame.scb?.[1] ?? null;
    let data = frame.data;
    const secured = scbType === 0x15 || scbType === 0x17;
    if (secured) {
      const session = this.session;
      if (!session?.active || !frame.mac || !session.verifyCommand(frame.macInput, frame.mac)) {
        this.session = null;
        return this.plainReply(frame, 0x41, Buffer.from([NAK.SC_CONDITIONS]));
      }
      if (scbType === 0x17) {
        const plain = session.decryptCommand(frame.data);
        if (!plain) {
          this.session = null;
          return this.plainReply(frame, 0x41, Buffer.from([NAK.SC_CONDITIONS]));
        }
        data = plain;
      }
    } else if (scbType === null && this.session?.active) {
      // Plain text inside a session: refused, and the session ends.
      this.session = null;
      return this.plainReply(frame, 0x41, Buffer.from([NAK.SC_CONDITIONS]));
    }
    const reply = (code: number, body: Buffer = Buffer.alloc(0)) =>
      secured ? this.securedReply(frame, code, body) : this.plainReply(frame, code, body);
    const nak = (reason: number) => reply(0x41, Buffer.from([reason]));

    const nakThis =
      this.nakNext &&
      this.nakNext.count > 0 &&
      (this.nakNext.command === null ? frame.code !== 0x76 && frame.code !== 0x77 : frame.code === this.nakNext.command);
    if (this.nakNext && nakThis) {
      this.nakNext.count -= 1;
      // A PD that found a bad check or sequence did not take the message: its sequence stays.
      if (this.nakNext.code === NAK.CHECK || this.nakNext.code === NAK.SEQUENCE) this.notTaken = true;
      if (this.nakNext.code === NAK.SEQUENCE) return this.sequenceNak(frame);
      return nak(this.nakNext.code);
    }
    const handshakeOrReport = frame.code === 0x61 || frame.code === 0x62 || frame.code === 0x76 || frame.code === 0x77;
    if (this.requireSecure && !secured && !handshakeOrReport) return nak(NAK.SC_CONDITIONS);

    switch (frame.code) {
      case 0x60: {
        const event = this.events.shift();
        if (!event) return reply(0x40);
        if (event.kind === 'status') return reply(0x48, this.localStatus());
        if (event.kind === 'card') {
          this.delivered.push({ presentedAtNs: event.presentedAtNs, sentAtNs: process.hrtime.bigint() });
          const body = Buffer.alloc(4 + event.data.length);
          body[0] = 0;
          body[1] = event.format;
          body.writeUInt16LE(event.bitCount, 2);
          event.data.copy(body, 4);
          return reply(0x50, body);
        }

        const digits = Buffer.from([...event.keys].map((k) => (k === '*' ? 0x7f : k === '#' ? 0x0d : k.charCodeAt(0))));
        return reply(0x53, Buffer.concat([Buffer.from([0, digits.length]), digits]));
      }
      case 0x64:
        if (data.length !== 0) return nak(NAK.LENGTH);
        return reply(0x48, this.localStatus());
      case 0x61: {
        if (data.length !== 1) return nak(NAK.LENGTH);
        const id = this.identity;
        const body = Buffer.alloc(12);
        body.set(id.vendorCode, 0);
        body[3] = id.model;
        body[4] = id.version;
        body.writeUInt32LE(id.serialNumber, 5);
        body.set(id.firmware, 9);
        return reply(0x45, body);
      }
      case 0x62:
        if (data.length !== 1) return nak(NAK.LENGTH);
        return reply(0x46, Buffer.from(this.capabilities.flatMap((c) => [c.function, c.compliance, c.items])));
      case 0x69: {
        if (data.length === 0 || data.length % 14 !== 0) return nak(NAK.LENGTH);
        for (let i = 0; i < data.length; i += 14) this.applyLed(data.subarray(i, i + 14));
        return reply(0x40);
      }
      case 0x6a:
        if (data.length !== 5) return nak(NAK.LENGTH);
        this.buzzer = { tone: data[1]!, onTime: data[2]!, offTime: data[3]!, count: data[4]! };
        return reply(0x40);
      case 0x6e: {
        if (data.length !== 5) return nak(NAK.LENGTH);
        const address = data[0]!;
        const baud = data.readUInt32LE(1);
        afterReply(() => {
          this.address = address;
          this.baudRate = baud;
          this.lastSequence = null;
          this.session = null;
        });
        return reply(0x54, Buffer.from(data));
      }
      case 0x75: {
        if (!secured || !this.session?.active) return nak(NAK.SC_CONDITIONS);
        if (data.length !== 18 || data[0] !== 1 || data[1] !== 16) return nak(NAK.LENGTH);
        const key = Buffer.from(data.subarray(2, 18));
        this.keysets += 1;
        afterReply(() => {
          this.scbk = key;
          this.session = null;
        });
        return reply(0x40);
      }
      case 0x76: {
        if (data.length !== 8 || scbType !== 0x11) return nak(NAK.LENGTH);
        this.session = null;
        // Without a key of its own the PD is in install mode: SCBK-D when asked for it, else its
        // factory key. A factory key other than SCBK-D is presented as the PD's own (data byte 1):
        // that is the reader the CP must recognise by its cryptogram alone.
        const key = this.scbk ?? (frame.scb?.[2] === 0 ? SCBK_DEFAULT : this.factoryKey);
        const useDefault = key.equals(SCBK_DEFAULT);
        this.handshake = new SimSecureSession(key, useDefault, Buffer.from(data), randomBytes(8));
        const uid = Buffer.concat([
          Buffer.from(this.identity.vendorCode),
          Buffer.from([this.identity.model, this.identity.version]),
          Buffer.alloc(3),
        ]);
        return this.plainReply(
          frame,
          0x76,
          Buffer.concat([uid, this.handshake.pdRandom, this.handshake.clientCryptogram()]),
          Buffer.from([3, 0x12, useDefault ? 0 : 1]),
        );
      }
      case 0x77: {
        const handshake = this.handshake;
        this.handshake = null;
        if (!handshake || data.length !== 16 || scbType !== 0x13) return nak(NAK.SC_UNSUPPORTED);
        const rmacI = handshake.accept(Buffer.from(data));
        if (!rmacI) return nak(NAK.SC_UNSUPPORTED);
        this.session = handshake;
        return this.plainReply(frame, 0x78, rmacI, Buffer.from([3, 0x14, 0x01]));
      }
      default:
        return nak(NAK.UNKNOWN);
    }
  }

  private applyLed(record: Buffer): void {
    const number = record[1]!;
    const state = this.leds.get(number) ?? { temporary: null, permanent: null };
    if (record[2] === 2)
      state.temporary = {
        onTime: record[3]!,
        offTime: record[4]!,
        onColor: record[5]!,
        offColor: record[6]!,
        timer: record.readUInt16LE(7),
      };
    else if (record[2] === 1) state.temporary = null;
    if (record[9] === 1) state.permanent = { onTime: record[10]!, offTime: record[11]!, onColor: record[12]!, offColor: record[13]! };
    this.leds.set(number, state);
  }

  private plainReply(frame: SimFrame, code: number, data: Buffer, scb: Buffer | null = null, sequence = frame.sequence): Buffer {
    return buildSimReply({ address: this.address, sequence, crc: frame.crc, scb, code, data });
  }

  /**
   * NAK 4 in plain text, numbered with the PD's own counter (the last sequence it took, 0
   * after a restart) rather than the command's, as readers in the field send it.
   */
  private sequenceNak(frame: SimFrame): Buffer {
    return this.plainReply(frame, 0x41, Buffer.from([NAK.SEQUENCE]), null, this.lastSequence ?? 0);
  }

  private securedReply(frame: SimFrame, code: number, data: Buffer): Buffer {
    const session = this.session!;
    if (this.take('plaintext_reply')) return this.plainReply(frame, code, data);
    const encrypted = data.length > 0;
    const bytes = buildSimReply(
      {
        address: this.address,
        sequence: frame.sequence,
        crc: frame.crc,
        scb: Buffer.from([2, encrypted ? 0x18 : 0x16]),
        code,
        data: encrypted ? session.encryptReply(data) : data,
      },
      (input) => session.macReply(input),
    );
    if (this.take('corrupt_mac')) {
      const macAt = bytes.length - (frame.crc ? 2 : 1) - 4;
      bytes[macAt]! ^= 0x01;
      rewriteCheck(bytes, frame.crc);
    }
    return bytes;
  }

  private localStatus(): Buffer {
    return Buffer.from([this.tamper ? 1 : 0, this.powerFailure ? 1 : 0]);
  }

  /** Applies the reply faults to a copy of `reply`. */
  private send(reply: Buffer, frame: SimFrame, delayMs: number, after?: () => void): OutgoingReply | null {
    if (this.take('drop_reply')) {
      after?.();
      return null;
    }
    let bytes = Buffer.from(reply);
    if (this.take('wrong_sequence')) {
      bytes[5] = (bytes[5]! & ~0x03) | nextSequence(frame.sequence === 0 ? 1 : frame.sequence);
      rewriteCheck(bytes, frame.crc);
    }
    if (this.take('corrupt_check')) {
      bytes = Buffer.from(bytes);
      bytes[bytes.length - 1]! ^= 0x01;
    }
    return { bytes, delayMs, ...(after ? { after } : {}) };
  }

  private take(kind: SimFaultKind): boolean {
    const fault = this.faults.get(kind);
    if (!fault || fault.left <= 0 || (fault.command !== null && fault.command !== this.answering)) return false;
    fault.left -= 1;
    return true;
  }
}

function nextSequence(sequence: number): number {
  return sequence >= 3 ? 1 : sequence + 1;
}

/** Recomputes the check characters of a reply (with mark byte) after a deliberate change. */
function rewriteCheck(bytes: Buffer, crc: boolean): void {
  const body = bytes.subarray(1, bytes.length - (crc ? 2 : 1));
  if (crc) bytes.writeUInt16LE(simCrc16(body), bytes.length - 2);
  else bytes[bytes.length - 1] = simChecksum(body);
}
