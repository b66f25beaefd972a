/**
 * A simulated PN532 NFC module on a serial line, speaking its UART protocol
 * (docs/hardware.md#pn532-over-uart): it sleeps until the `55 55` wake-up, acknowledges every
 * command frame, and answers GetFirmwareVersion, SAMConfiguration, RFConfiguration and
 * InListPassiveTarget (with or without a type-A card in the field). A NACK from the host
 * makes it send its last reply again; an ACK from the host cancels a pending reply.
 * Faults on demand: replies with a bad LCS or DCS, no reply after the ACK, silence, line
 * noise, replies split across writes.
 *
 * The frame code here is written independently of the agent's codec, so each checks
 * the other.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SerialDeviceEnd } from '../serial/sim-serial-binding.js';

export const PN532_BAUD_RATE = 115_200;

export type SimPn532Fault =
  /** The reply's length checksum is wrong. */
  | 'bad_lcs'
  /** The reply's data checksum is wrong. */
  | 'bad_dcs'
  /** ACK, then no reply. */
  | 'no_reply'
  /** Neither ACK nor reply. */
  | 'silent'
  /** Noise bytes before the reply. */
  | 'noise'
  /** The reply arrives in three pieces. */
  | 'split';

export interface SimPn532Options {
  /** IC, version, revision, support: the GetFirmwareVersion answer. Default PN532 v1.6. */
  firmware?: [number, number, number, number];
  /** Time from a command to its reply. Default 2 ms. */
  replyDelayMs?: number;
}

export interface ReceivedCommand {
  code: number;
  params: Buffer;
}

function frame(tfi: number, data: readonly number[]): Buffer {
  const body = [tfi, ...data];
  const len = body.length;
  const dcs = (256 - (body.reduce((a, b) => a + b, 0) % 256)) % 256;
  return Buffer.from([0, 0, 0xff, len, (256 - len) % 256, ...body, dcs, 0]);
}

const ACK = Buffer.from([0, 0, 0xff, 0, 0xff, 0]);
const ERROR_FRAME = Buffer.from([0, 0, 0xff, 0x01, 0xff, 0x7f, 0x81, 0]);

export class SimPn532 {
  /** Commands received, oldest first (the last 1,000). */
  readonly commands: ReceivedCommand[] = [];
  private awake = false;
  private card: Buffer | null = null;
  private readonly faults: SimPn532Fault[] = [];
  private input: number[] = [];
  private lastReply: Buffer | null = null;
  private replyTimer: NodeJS.Timeout | null = null;
  private cardSeenListeners = new Set<() => void>();
  private readonly detach: () => void;

  constructor(
    readonly device: SerialDeviceEnd,
    private readonly options: SimPn532Options = {},
  ) {
    this.detach = device.onReceive((bytes) => this.receive(bytes));
  }

  get isAwake(): boolean {
    return this.awake;
  }

  /** The UID in the field, lower-case hex, or null. */
  get cardInField(): string | null {
    return this.card ? this.card.toString('hex') : null;
  }

  /** Puts a card in the field (4, 7 or 10 bytes of UID). */
  placeCard(uid: Uint8Array | string): void {
    const bytes = typeof uid === 'string' ? Buffer.from(uid, 'hex') : Buffer.from(uid);
    if (![4, 7, 10].includes(bytes.length)) throw new RangeError(`a type-A UID has 4, 7 or 10 bytes, got ${bytes.length}`);
    this.card = bytes;
  }

  removeCard(): void {
    this.card = null;
  }

  /**
   * Holds a card at the reader for `holdMs`. Resolves true once a poll has seen it (the
   * card then stays for the rest of the hold time), false if no poll came.
   */
  async present(uid: Uint8Array | string, holdMs = 500): Promise<boolean> {
    this.placeCard(uid);
    const placed = this.card;
    const seen = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), holdMs);
      const listener = () => done(true);
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.cardSeenListeners.delete(listener);
        resolve(value);
      };
      this.cardSeenListeners.add(listener);
    });
    const started = Date.now();
    const result = await seen;
    const rest = holdMs - (Date.now() - started);
    if (rest > 0) await sleep(rest);
    if (this.card === placed) this.removeCard();
    return result;
  }

  /** Applies `fault` to the next `count` replies. */
  injectFault(fault: SimPn532Fault, count = 1): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Back to power-on state: asleep until the next wake-up. */
  reset(): void {
    this.awake = false;
    this.input = [];
    this.lastReply = null;
    if (this.replyTimer) clearTimeout(this.replyTimer);
    this.replyTimer = null;
  }

  close(): void {
    this.reset();
    this.detach();
  }

  private receive(bytes: Buffer): void {
    for (const byte of bytes) this.input.push(byte);
    // Walk the input: wake-up bytes, ACK/NACK from the host, command frames.
    for (;;) {
      const i = this.input.findIndex((b, k) => b === 0x00 && this.input[k + 1] === 0xff);
      const before = i < 0 ? this.input.length : i;
      if (this.input.slice(0, before).includes(0x55)) this.awake = true;
      if (i < 0) {
        this.input = this.input.slice(-1).filter((b) => b === 0x00);
        return;
      }
      if (this.input.length < i + 4) {
        this.input = this.input.slice(i);
        return;
      }
      const len = this.input[i + 2]!;
      const lcs = this.input[i + 3]!;
      if (len === 0 && lcs === 0xff) {
        // ACK from the host: abort the reply in progress.
        if (this.replyTimer) clearTimeout(this.replyTimer);
        this.replyTimer = null;
        this.input = this.input.slice(i + 4);
        continue;
      }
      if (len === 0xff && lcs === 0x00) {
        this.input = this.input.slice(i + 4);
        if (this.awake && this.lastReply) this.device.write(this.lastReply);
        continue;
      }
      if ((len + lcs) % 256 !== 0) {
        this.input = this.input.slice(i + 2);
        continue;
      }
      if (this.input.length < i + 5 + len) {
        this.input = this.input.slice(i);
        return;
      }
      const body = this.input.slice(i + 4, i + 4 + len);
      const dcs = this.input[i + 4 + len]!;
      this.input = this.input.slice(i + 5 + len);
      if ((body.reduce((a, b) => a + b, 0) + dcs) % 256 !== 0 || body[0] !== 0xd4 || body.length < 2) continue;
      this.onCommand(body[1]!, Buffer.from(body.slice(2)));
    }
  }

  private onCommand(code: number, params: Buffer): void {
    this.commands.push({ code, params });
    if (this.commands.length > 1000) this.commands.splice(0, this.commands.length - 1000);
    if (!this.awake) return;
    const fault = this.faults.shift();
    if (fault === 'silent') return;
    const reply = fault === 'no_reply' ? null : this.reply(code, params);
    if (reply) this.lastReply = reply;
    if (this.replyTimer) clearTimeout(this.replyTimer);
    // The ACK goes first, the reply after it: both scheduled from one callback so a busy
    // event loop cannot swap them.
    this.replyTimer = setTimeout(() => {
      this.replyTimer = null;
      this.device.write(ACK);
      if (!reply) return;
      const sent = Buffer.from(reply);
      if (fault === 'bad_lcs') sent[4] = (sent[4]! + 1) % 256;
      if (fault === 'bad_dcs') sent[sent.length - 2] = (sent[sent.length - 2]! + 1) % 256;
      this.replyTimer = setTimeout(() => {
        this.replyTimer = null;
        void this.transmit(sent, fault);
      }, this.options.replyDelayMs ?? 2);
    }, 0);
  }

  private async transmit(bytes: Buffer, fault: SimPn532Fault | undefined): Promise<void> {
    if (fault === 'noise') this.device.write(Buffer.from([0x13, 0xff, 0x00, 0x42]));
    if (fault !== 'split') {
      this.device.write(bytes);
      return;
    }
    const third = Math.ceil(bytes.length / 3);
    for (let offset = 0; offset < bytes.length; offset += third) {
      if (offset > 0) await sleep(1);
      this.device.write(bytes.subarray(offset, offset + third));
    }
  }

  private reply(code: number, params: Buffer): Buffer {
    switch (code) {
      case 0x02:
        return frame(0xd5, [0x03, ...(this.options.firmware ?? [0x32, 0x01, 0x06, 0x07])]);
      case 0x14:
        return frame(0xd5, [0x15]);
      case 0x32:
        return frame(0xd5, [0x33]);
      case 0x4a: {
        // Only 106 kbps type A (BrTy 0x00) has cards here.
        if (!this.card || params[1] !== 0x00) return frame(0xd5, [0x4b, 0x00]);
        const uid = [...this.card];
        const [sensRes, selRes] = uid.length === 4 ? [[0x00, 0x04], 0x08] : uid.length === 7 ? [[0x00, 0x44], 0x00] : [[0x00, 0x84], 0x00];
        for (const listener of [...this.cardSeenListeners]) listener();
        return frame(0xd5, [0x4b, 0x01, 0x01, ...sensRes, selRes, uid.length, ...uid]);
      }
      default:
        return ERROR_FRAME;
    }
  }
}
