/**
 * One OSDP PD as the agent's `CardReader`: card reads (osdp_RAW) and keypad digits come
 * out as events; `signal()` and `indicateLockdown()` drive its LED and buzzer where its
 * capabilities say it has them; online/offline become `fault`/`recovered`. It also
 * manages the PD's secure-channel key: provisioning windows, KEYSET, the key store.
 *
 * Several readers share one `OsdpBus` (the serial line); the first `start()` opens it,
 * the last `stop()` closes it.
 */
import { EventEmitter } from 'node:events';
import type { CardReader, CardReaderEvents } from '@acs/shared/hardware/interfaces';
import type { WiegandFormat } from '@acs/shared/credentials/wiegand';
import type { OsdpReaderDetail } from '@acs/shared/readers/reader-report';
import type { Logger } from '../../log/logger.js';
import type { ManagedReader, ReaderDescription } from '../managed-reader.js';
import { MemoryReaderSettingsStore, type ReaderSettingsStore } from '../reader-settings-store.js';
import type { OsdpBus, PortFaultCode } from './osdp-bus.js';
import { buzzerPayload, comsetPayload, keysetPayload, ledPayload, parseCom, type LedRequest, type LocalStatus } from './osdp-messages.js';
import { OsdpCommandError } from './osdp-pd-command-queue.js';
import { OsdpPdSession } from './osdp-pd-session.js';
import { CMD, LED_COLOR, REPLY } from './osdp-protocol.js';
import type { OsdpTiming } from './osdp-timing.js';

/** What the agent keeps per OSDP reader (JSON in the settings store). Keys are hex. */
export interface OsdpReaderRecord {
  scbk: string | null;
  keyId: string | null;
  keyInstalledAt: number | null;
  /** Sent by KEYSET whose confirmation never came: the PD may hold it. */
  pendingScbk: string | null;
  pendingKeyId: string | null;
  /** A COMSET moved the PD; applies while the configuration still names `configured`. */
  address: { configured: number; current: number } | null;
}

const EMPTY_RECORD: OsdpReaderRecord = {
  scbk: null,
  keyId: null,
  keyInstalledAt: null,
  pendingScbk: null,
  pendingKeyId: null,
  address: null,
};

export function osdpRecordKey(readerId: string): string {
  return `osdp-reader:${readerId}`;
}

export interface OsdpReaderOptions {
  id: string;
  address: number;
  secureChannel: boolean;
  bus: OsdpBus;
  timing: OsdpTiming;
  log: Logger;
  /** Send checksums instead of CRC-16 from the start. */
  useChecksum?: boolean;
  /** Formats RAW Wiegand card data is decoded with; default every built-in one. */
  wiegandFormats?: readonly WiegandFormat[];
  now?: () => number;
}

export class OsdpReader extends EventEmitter<CardReaderEvents> implements CardReader, ManagedReader {
  readonly managed = true as const;
  readonly id: string;
  readonly session: OsdpPdSession;
  private store: ReaderSettingsStore = new MemoryReaderSettingsStore();
  private record: OsdpReaderRecord = { ...EMPTY_RECORD };
  private running = false;
  private portFault: { code: PortFaultCode; message: string } | null = null;
  private reportedFault: string | null = null;
  private lockdown = false;
  private tampered = false;
  private readonly onPortDown = (code: PortFaultCode, message: string) => {
    this.portFault = { code, message };
    this.evaluate();
  };
  private readonly onPortUp = () => {
    this.portFault = null;
    this.evaluate();
  };

  constructor(private readonly options: OsdpReaderOptions) {
    super();
    this.id = options.id;
    this.session = new OsdpPdSession({
      readerId: options.id,
      address: options.address,
      secureChannel: options.secureChannel,
      timing: options.timing,
      log: options.log,
      ...(options.useChecksum ? { check: 'checksum' as const } : {}),
      ...(options.wiegandFormats ? { wiegandFormats: options.wiegandFormats } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    this.session.on('changed', () => this.evaluate());
    this.session.on('card', (card) =>
      this.emit('card', { readerId: this.id, credential: card.credential, receivedAtNs: card.receivedAtNs }),
    );
    this.session.on('keypad', (keypad) => this.emit('keypad', { readerId: this.id, keys: keypad.keys, receivedAtNs: keypad.receivedAtNs }));
    this.session.on('keyReset', (detail) => this.emit('alert', { readerId: this.id, type: 'reader_key_reset', detail }));
    this.session.on('keyPromoted', (key) => void this.promotePendingKey(key));
    this.session.on('localStatus', (status) => this.onLocalStatus(status));
  }

  /**
   * A PD reports its local status when it changes: tamper going active is an alert; power
   * failures are logged (a reader that loses power goes offline, which is a fault already).
   */
  private onLocalStatus(status: LocalStatus): void {
    if (status.tamper && !this.tampered)
      this.emit('alert', { readerId: this.id, type: 'tamper', detail: 'tamper switch active (enclosure opened or reader removed)' });
    else if (!status.tamper && this.tampered) this.options.log.info(`reader ${this.id}: tamper switch back to normal`);
    if (status.powerFailure) this.options.log.warn(`reader ${this.id}: reports a power failure`);
    this.tampered = status.tamper;
  }

  useSettingsStore(store: ReaderSettingsStore): void {
    this.store = store;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.loadRecord();
    const { bus } = this.options;
    bus.on('portDown', this.onPortDown);
    bus.on('portUp', this.onPortUp);
    bus.attach(this.session);
    await bus.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const { bus } = this.options;
    bus.off('portDown', this.onPortDown);
    bus.off('portUp', this.onPortUp);
    bus.detach(this.session);
    if (bus.sessionCount === 0) await bus.stop();
  }

  // ---------------------------------------------------------------- feedback

  signal(outcome: 'grant' | 'deny'): void {
    const granted = outcome === 'grant';
    this.fireAndForget(CMD.LED, () =>
      ledPayload({
        temporary: granted
          ? { onTime: 20, offTime: 0, onColor: LED_COLOR.GREEN, offColor: LED_COLOR.BLACK, timer: 20 }
          : { onTime: 2, offTime: 2, onColor: LED_COLOR.RED, offColor: LED_COLOR.BLACK, timer: 20 },
      }),
    );
    this.fireAndForget(CMD.BUZ, () =>
      buzzerPayload(granted ? { tone: 2, onTime: 2, offTime: 0, count: 1 } : { tone: 2, onTime: 1, offTime: 1, count: 3 }),
    );
  }

  indicateLockdown(active: boolean): void {
    if (active === this.lockdown) return;
    this.lockdown = active;
    const permanent: LedRequest['permanent'] = active
      ? { onTime: 5, offTime: 5, onColor: LED_COLOR.RED, offColor: LED_COLOR.BLACK }
      : { onTime: 1, offTime: 0, onColor: LED_COLOR.RED, offColor: LED_COLOR.RED };
    this.fireAndForget(CMD.LED, () => ledPayload({ cancelTemporary: true, permanent }));
  }

  private fireAndForget(code: number, payload: () => Buffer): void {
    if (!this.session.isOnline || !this.session.supports(code)) return;
    this.session
      .send({ code, data: payload() })
      .catch((err: unknown) => this.options.log.debug(() => `reader ${this.id}: feedback not shown: ${(err as Error).message}`));
    this.options.bus.wake();
  }

  // ---------------------------------------------------------------- management

  describe(): ReaderDescription {
    const status = this.session.status();
    const osdp: OsdpReaderDetail = {
      address: status.address,
      baudRate: this.options.bus.baudRate,
      line: this.options.bus.path,
      identity: status.identity,
      capabilities: status.capabilities,
      secureChannel: status.secureChannel,
      keyId: this.record.scbk ? this.record.keyId : null,
      keyInstalledAt: this.record.scbk ? this.record.keyInstalledAt : null,
      provisioningUntil: status.provisioningUntil,
    };
    return { online: status.online === true && this.portFault === null, fault: this.reportedFault, osdp };
  }

  openProvisioningWindow(durationMs: number): void {
    const until = durationMs > 0 ? this.now() + durationMs : null;
    this.options.log.info(
      until
        ? `provisioning window open for reader ${this.id} until ${new Date(until).toISOString()}`
        : `provisioning window of reader ${this.id} closed`,
    );
    this.session.setProvisioningWindow(until);
    this.options.bus.wake();
  }

  async installKey(key: Buffer, keyId: string): Promise<void> {
    if (!this.options.secureChannel)
      throw new OsdpCommandError(`reader ${this.id} is configured without a secure channel`, 'secure_channel');
    if (key.length !== 16) throw new RangeError('an OSDP key (SCBK) is 16 bytes');
    const hex = key.toString('hex');
    if (this.record.scbk === hex) return;
    // Stored before it is sent: if the confirmation is lost, the next handshake tries it.
    await this.saveRecord({ ...this.record, pendingScbk: hex, pendingKeyId: keyId });
    this.applyKeys();
    this.options.log.info(`installing a new key on reader ${this.id}`, { keyId });
    const sending = this.session.send({
      code: CMD.KEYSET,
      data: keysetPayload(key),
      requiresSecure: true,
      waitMs: this.options.timing.keyInstallTimeoutMs,
    });
    this.options.bus.wake();
    try {
      await sending;
    } catch (err) {
      // Sent but unconfirmed, the PD may hold the new key: it stays pending and the next handshake tries it.
      const maybeReceived = err instanceof OsdpCommandError && ['timeout', 'secure_channel', 'stopped'].includes(err.code);
      if (!maybeReceived) {
        await this.saveRecord({ ...this.record, pendingScbk: null, pendingKeyId: null });
        this.applyKeys();
      }
      throw err;
    }
    await this.saveRecord({ ...this.record, scbk: hex, keyId, keyInstalledAt: this.now(), pendingScbk: null, pendingKeyId: null });
    this.applyKeys();
    // With a key of its own the reader needs no install mode: the window closes now.
    this.session.setProvisioningWindow(null);
    this.options.log.info(`reader ${this.id} now uses its new key`, { keyId });
    this.evaluate();
  }

  /** COMSET: moves the PD to another address (and speed, on a line of its own); remembered across restarts. */
  async comset(address: number, baudRate: number = this.options.bus.baudRate): Promise<void> {
    const { bus } = this.options;
    if (baudRate !== bus.baudRate && bus.sessionCount > 1) {
      throw new OsdpCommandError(`the line ${bus.path} has other readers; its speed cannot change for one of them`, 'comset');
    }
    const previous = { address: this.session.address, baudRate: bus.baudRate };
    const sending = this.session.send({ code: CMD.COMSET, data: comsetPayload(address, baudRate), expect: [REPLY.COM] });
    bus.wake();
    let settings: { address: number; baudRate: number };
    try {
      settings = parseCom((await sending).data);
    } catch (err) {
      if (!(err instanceof OsdpCommandError) || err.code !== 'timeout') throw err;
      // The PD may have switched before its answer got through: look for it where it was sent.
      this.options.log.warn(`reader ${this.id}: no answer to COMSET; looking for it at address ${address}, ${baudRate} baud`);
      this.session.changeAddress(address);
      if (baudRate !== bus.baudRate) bus.setBaudRate(baudRate);
      bus.wake();
      if (!(await this.waitOnline(this.options.timing.offlineAfterMs))) {
        this.session.changeAddress(previous.address);
        if (previous.baudRate !== baudRate) bus.setBaudRate(previous.baudRate);
        bus.wake();
        throw err;
      }
      settings = { address, baudRate };
    }
    const configured = this.record.address?.configured ?? this.options.address;
    await this.saveRecord({ ...this.record, address: { configured, current: settings.address } });
    this.session.changeAddress(settings.address);
    if (settings.baudRate !== bus.baudRate) bus.setBaudRate(settings.baudRate);
    bus.wake();
    this.options.log.info(`reader ${this.id} moved to address ${settings.address} at ${settings.baudRate} baud`);
  }

  // ---------------------------------------------------------------- internals

  private waitOnline(timeoutMs: number): Promise<boolean> {
    if (this.session.isOnline) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (online: boolean) => {
        clearTimeout(timer);
        this.session.off('changed', check);
        resolve(online);
      };
      const check = () => {
        if (this.session.isOnline) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.session.on('changed', check);
    });
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async loadRecord(): Promise<void> {
    try {
      const text = await this.store.read(osdpRecordKey(this.id));
      this.record = text ? { ...EMPTY_RECORD, ...(JSON.parse(text) as Partial<OsdpReaderRecord>) } : { ...EMPTY_RECORD };
    } catch (err) {
      this.options.log.error(`reader ${this.id}: stored settings unreadable; starting without them`, { error: (err as Error).message });
      this.record = { ...EMPTY_RECORD };
    }
    const moved = this.record.address;
    if (moved && moved.configured === this.options.address && moved.current !== this.options.address) {
      this.options.log.info(`reader ${this.id}: using address ${moved.current} set by COMSET (configured ${moved.configured})`);
      this.session.changeAddress(moved.current);
    }
    this.applyKeys();
  }

  private applyKeys(): void {
    const key = (hex: string | null) => (hex && /^[0-9a-f]{32}$/.test(hex) ? Buffer.from(hex, 'hex') : null);
    this.session.setKeys(key(this.record.scbk), key(this.record.pendingScbk));
  }

  private async saveRecord(record: OsdpReaderRecord): Promise<void> {
    this.record = record;
    await this.store.write(osdpRecordKey(this.id), JSON.stringify(record));
  }

  private async promotePendingKey(key: Buffer): Promise<void> {
    const hex = key.toString('hex');
    try {
      await this.saveRecord({
        ...this.record,
        scbk: hex,
        keyId: this.record.pendingScbk === hex ? this.record.pendingKeyId : null,
        keyInstalledAt: this.now(),
        pendingScbk: null,
        pendingKeyId: null,
      });
      this.options.log.info(`reader ${this.id} holds the key whose confirmation was lost; it is now the key in force`);
      this.evaluate();
    } catch (err) {
      this.options.log.error(`reader ${this.id}: could not store its key`, { error: (err as Error).message });
    }
  }

  /** The fault to report; `undefined` while it cannot be told (the PD not probed yet since the line came up). */
  private currentFault(): { code: string; message: string } | null | undefined {
    if (this.portFault) return this.portFault;
    const status = this.session.status();
    if (status.online === null) return this.reportedFault === null ? null : undefined;
    if (status.online === false) return { code: 'no_response', message: `reader ${this.id} (address ${status.address}) does not answer` };
    if (status.secureChannel === 'failed')
      return { code: 'secure_channel_failed', message: `the secure channel handshake with reader ${this.id} fails (another key?)` };
    if (status.secureChannel === 'unsupported')
      return { code: 'secure_channel_unsupported', message: `reader ${this.id} has no secure channel` };
    return null;
  }

  private evaluate(): void {
    const fault = this.currentFault();
    const code = fault === undefined ? this.reportedFault : (fault?.code ?? null);
    if (fault !== undefined && code !== this.reportedFault) {
      const previous = this.reportedFault;
      this.reportedFault = code;
      if (fault) this.emit('fault', { readerId: this.id, code: fault.code, message: fault.message });
      else if (previous) this.emit('recovered', this.id);
    }
    this.emit('changed', this.id);
  }
}
