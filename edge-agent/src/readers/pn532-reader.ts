/**
 * A PN532 NFC reader over UART (115200 baud), polled for ISO 14443 type-A cards.
 *
 * On every (re)open: wake-up (`55 55` and idle bytes) with SAMConfiguration straight
 * after (normal mode), GetFirmwareVersion (logged), RFConfiguration MaxRetries so an
 * empty field answers at once instead of waiting forever, then a polling loop of
 * InListPassiveTarget (1 target, 106 kbps type A) every `pollIntervalMs`. A card's UID
 * becomes `uid:<hex>`; a card left on the reader is read once (it is reported when it
 * enters the field), and `debounceMs` absorbs a card that flickers in and out.
 *
 * Every command waits for the ACK and then the reply, each with a timeout. A reply with
 * a bad checksum is asked for again once with a NACK; a timeout aborts the command with
 * an ACK (the manual's way to cancel). After `failuresBeforeFault` commands in a row
 * without a good reply the reader reports `no_response`, closes the port and starts
 * over with backoff; it reports `recovered` once the PN532 answers again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { uidCredential } from '@acs/shared/credentials/credential';
import { CardReaderBase } from './card-reader-base.js';
import {
  ACK_FRAME,
  NACK_FRAME,
  PN532_COMMAND,
  Pn532FrameDecoder,
  TFI_PN532,
  WAKE_UP,
  encodeCommand,
  parseTypeATargets,
  type Pn532DecoderStats,
  type Pn532Frame,
} from './pn532-frame.js';
import { SerialConnection, type SerialReaderOptions } from './serial-connection.js';

export interface Pn532ReaderOptions extends SerialReaderOptions {
  /** Pause between two polls. Default 200 ms. */
  pollIntervalMs?: number;
  /** Wait for the ACK of a command. Default 100 ms. */
  ackTimeoutMs?: number;
  /** Wait for a reply after its ACK. Default 500 ms. */
  replyTimeoutMs?: number;
  /** Commands in a row without a good reply before the reader counts as faulted. Default 3. */
  failuresBeforeFault?: number;
  /** MxRtyPassiveActivation: how many times the PN532 retries activating a card per poll (0-254). Default 1. */
  passiveActivationRetries?: number;
}

export interface Pn532Reply {
  params: Buffer;
  receivedAtNs: bigint;
}

type CommandFailure = 'no_ack' | 'no_reply' | 'error_frame' | 'port_closed';

interface PendingCommand {
  code: number;
  acked: boolean;
  nacked: boolean;
  /** The ACK came: now wait for the reply. */
  onAck(): void;
  settle(result: Pn532Reply | CommandFailure): void;
}

export interface Pn532Stats extends Pn532DecoderStats {
  polls: number;
  failures: number;
  firmware: string | null;
}

export class Pn532Reader extends CardReaderBase {
  private readonly connection: SerialConnection;
  private readonly decoder: Pn532FrameDecoder;
  private pending: PendingCommand | null = null;
  /** Bumped whenever the port opens or closes: a session's loop stops when it is stale. */
  private session = 0;
  private polls = 0;
  private failures = 0;
  /** Credentials in the field at the last good poll: a card left on the reader is read once. */
  private inField = new Set<string>();
  private firmware: string | null = null;

  constructor(private readonly options: Pn532ReaderOptions) {
    super({
      id: options.id,
      debounceMs: options.debounceMs ?? 1000,
      log: options.log,
      ...(options.feedback ? { feedback: options.feedback } : {}),
    });
    this.decoder = new Pn532FrameDecoder((rejection) => {
      this.log.debug(() => `rejected PN532 frame on ${this.id}: ${rejection.reason} (${rejection.detail})`);
      // A garbled reply: ask once for it again rather than waiting for the timeout.
      const pending = this.pending;
      if (pending?.acked && !pending.nacked && rejection.reason.endsWith('checksum')) {
        pending.nacked = true;
        this.connection.write(NACK_FRAME);
      }
    });
    this.connection = new SerialConnection({
      path: options.path,
      baudRate: options.baudRate ?? 115_200,
      binding: options.binding,
      owner: `reader ${options.id}`,
      log: options.log,
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    this.connection.on('open', () => {
      const session = ++this.session;
      this.decoder.reset();
      this.inField.clear();
      void this.runSession(session);
    });
    this.connection.on('lost', (code, message) => {
      this.session++;
      this.failPending('port_closed');
      this.reportFault(code, message);
    });
    this.connection.on('data', (chunk, receivedAtNs) => {
      for (const frame of this.decoder.push(chunk)) this.onFrame(frame, receivedAtNs);
    });
  }

  get stats(): Pn532Stats {
    return { ...this.decoder.stats, polls: this.polls, failures: this.failures, firmware: this.firmware };
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  protected startReading(): Promise<void> {
    return this.connection.start();
  }

  protected async stopReading(): Promise<void> {
    this.session++;
    this.failPending('port_closed');
    await this.connection.stop();
  }

  private async runSession(session: number): Promise<void> {
    const live = () => session === this.session;
    const pollIntervalMs = this.options.pollIntervalMs ?? 200;
    const failuresBeforeFault = this.options.failuresBeforeFault ?? 3;
    try {
      if (!(await this.initialise(live))) return;
      let failedInARow = 0;
      while (live()) {
        const reply = await this.command(PN532_COMMAND.InListPassiveTarget, [0x01, 0x00]);
        if (!live()) return;
        this.polls++;
        if (typeof reply === 'string') {
          this.failures++;
          failedInARow++;
          this.log.debug(() => `PN532 ${this.id}: InListPassiveTarget failed (${reply}), ${failedInARow} in a row`);
          if (failedInARow >= failuresBeforeFault) {
            this.giveUp(`no good reply to ${failedInARow} polls in a row (last: ${reply})`);
            return;
          }
        } else {
          failedInARow = 0;
          this.onTargets(reply);
        }
        await sleep(pollIntervalMs);
      }
    } catch (err) {
      this.log.error(`PN532 ${this.id}: polling stopped by an error`, { error: (err as Error).message });
      if (live()) this.giveUp(`internal error: ${(err as Error).message}`);
    }
  }

  /** Wake-up + SAMConfiguration, firmware version, retry limit. True when the PN532 answered them all. */
  private async initialise(live: () => boolean): Promise<boolean> {
    const sam = await this.command(PN532_COMMAND.SAMConfiguration, [0x01, 0x14, 0x01], WAKE_UP);
    if (!live()) return false;
    if (typeof sam === 'string') {
      this.giveUp(`no answer to wake-up and SAMConfiguration (${sam})`);
      return false;
    }
    const version = await this.command(PN532_COMMAND.GetFirmwareVersion);
    if (!live()) return false;
    if (typeof version === 'string' || version.params.length < 4) {
      this.giveUp(`no answer to GetFirmwareVersion (${typeof version === 'string' ? version : 'short reply'})`);
      return false;
    }
    const [ic, ver, rev, support] = version.params;
    this.firmware = `PN5${ic!.toString(16)} v${ver}.${rev} (support 0x${support!.toString(16).padStart(2, '0')})`;
    const retries = this.options.passiveActivationRetries ?? 1;
    // Item 5, MaxRetries: ATR retries, PSL retries, passive activation retries (0xFF would wait forever).
    const config = await this.command(PN532_COMMAND.RFConfiguration, [0x05, 0xff, 0x01, retries]);
    if (!live()) return false;
    if (typeof config === 'string') {
      this.giveUp(`no answer to RFConfiguration (${config})`);
      return false;
    }
    this.connection.resetBackoff();
    if (!this.reportWorking({ path: this.options.path, firmware: this.firmware })) {
      this.log.info(`reader ${this.id} polling`, {
        path: this.options.path,
        firmware: this.firmware,
        pollIntervalMs: this.options.pollIntervalMs ?? 200,
      });
    }
    return true;
  }

  private onTargets(reply: Pn532Reply): void {
    const targets = parseTypeATargets(reply.params);
    if (!targets) {
      this.log.debug(() => `PN532 ${this.id}: malformed InListPassiveTarget reply ${reply.params.toString('hex')}`);
      return;
    }
    const now = new Set(targets.map((target) => uidCredential(target.uid)));
    for (const credential of now) if (!this.inField.has(credential)) this.emitCard(credential, reply.receivedAtNs);
    this.inField = now;
  }

  private giveUp(message: string): void {
    this.session++;
    this.failPending('port_closed');
    this.reportFault('no_response', message);
    this.connection.restart(message);
  }

  /** Sends a command (after `prefix`, e.g. the wake-up bytes) and waits for its ACK and reply. */
  private command(code: number, params: readonly number[] = [], prefix?: Buffer): Promise<Pn532Reply | CommandFailure> {
    this.failPending('port_closed');
    const ackTimeoutMs = this.options.ackTimeoutMs ?? 100;
    const replyTimeoutMs = this.options.replyTimeoutMs ?? 500;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const arm = (ms: number, failure: CommandFailure) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => pending.settle(failure), ms);
      };
      const pending: PendingCommand = {
        code,
        acked: false,
        nacked: false,
        onAck: () => arm(replyTimeoutMs, 'no_reply'),
        settle: (result) => {
          if (this.pending !== pending) return;
          this.pending = null;
          if (timer) clearTimeout(timer);
          if (result === 'no_ack' || result === 'no_reply') {
            // Cancel whatever the PN532 is still doing and forget a half-received frame.
            this.connection.write(ACK_FRAME);
            this.decoder.reset();
          }
          resolve(result);
        },
      };
      this.pending = pending;
      const frame = encodeCommand(code, params);
      if (!this.connection.write(prefix ? Buffer.concat([prefix, frame]) : frame)) {
        pending.settle('port_closed');
        return;
      }
      arm(ackTimeoutMs, 'no_ack');
    });
  }

  private onFrame(frame: Pn532Frame, receivedAtNs: bigint): void {
    const pending = this.pending;
    if (!pending) {
      if (frame.kind !== 'ack') this.log.debug(() => `PN532 ${this.id}: unexpected ${frame.kind} frame with no command pending`);
      return;
    }
    switch (frame.kind) {
      case 'ack':
        if (!pending.acked) {
          pending.acked = true;
          pending.onAck();
        }
        return;
      case 'nack':
        this.log.debug(() => `PN532 ${this.id}: NACK received`);
        return;
      case 'error':
        pending.settle('error_frame');
        return;
      case 'data':
        if (frame.tfi !== TFI_PN532 || frame.code !== pending.code + 1) {
          this.log.debug(
            () =>
              `PN532 ${this.id}: ignored frame TFI 0x${frame.tfi.toString(16)} code 0x${frame.code.toString(16)} while waiting for 0x${(pending.code + 1).toString(16)}`,
          );
          return;
        }
        pending.settle({ params: frame.params, receivedAtNs });
    }
  }

  private failPending(failure: CommandFailure): void {
    this.pending?.settle(failure);
  }
}
