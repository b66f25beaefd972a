/**
 * A simulated RS-485 line with one or more OSDP PDs on it (multi-drop). It reads what
 * the control panel sends, hands each command to the PD at its address and writes the
 * reply back, paced like the real wire: a reply leaves after the command's and the
 * reply's time on the wire (bytes × 10 bits / baud), so timings over a pseudo-terminal
 * or the in-process port match an RS-485 line at that speed.
 *
 * Transport: any `SerialDeviceEnd`, the simulator's in-process port or one end of a
 * `PtyPair` (socat pseudo-terminals, the operating system's serial driver).
 */
import type { SerialDeviceEnd } from '../serial/sim-serial-binding.js';
import { SimOsdpPd } from './sim-osdp-pd.js';
import { SimFrameReader } from './sim-osdp-wire.js';

export interface SimOsdpLineOptions {
  baudRate: number;
  /** Delay replies by the wire time of command and reply. Default true. */
  paceAtBaud?: boolean;
  /** The PD's processing time before it answers. Default 0.5 ms. */
  turnaroundMs?: number;
}

export interface SimOsdpLineStats {
  commands: number;
  replies: number;
  bytesIn: number;
  bytesOut: number;
  /** Commands that arrived while a reply was still due: two exchanges on the wire at once. */
  overlaps: number;
}

const BROADCAST = 0x7f;

export class SimOsdpLine {
  readonly devices: SimOsdpPd[] = [];
  readonly stats: SimOsdpLineStats = { commands: 0, replies: 0, bytesIn: 0, bytesOut: 0, overlaps: 0 };
  private repliesDue = 0;
  baudRate: number;
  private readonly reader = new SimFrameReader();
  private end: SerialDeviceEnd | null = null;
  private unsubscribe: (() => void) | null = null;
  private timers = new Set<NodeJS.Timeout>();
  /** Replies leave one after another, as on a half-duplex pair. */
  private busyUntil = 0;

  constructor(private readonly options: SimOsdpLineOptions) {
    this.baudRate = options.baudRate;
  }

  add(pd: SimOsdpPd): SimOsdpPd {
    if (this.devices.some((d) => d.address === pd.address)) throw new Error(`address ${pd.address} is already on this line`);
    this.devices.push(pd);
    return pd;
  }

  device(address: number): SimOsdpPd | undefined {
    return this.devices.find((d) => d.address === address);
  }

  /**
   * Speaks through the device end of a serial port: the simulator's in-process port
   * (`SimSerialBinding.createPort`) or a pseudo-terminal (`PtyPair.device`).
   */
  connect(end: SerialDeviceEnd): void {
    if (this.end) throw new Error(`this line is already connected to ${this.end.path}`);
    this.end = end;
    this.unsubscribe = end.onReceive((chunk) => this.receive(chunk));
  }

  /** True while a host (the agent's control panel) has the line's port open. */
  get hostConnected(): boolean {
    return this.end?.hostConnected ?? false;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.end = null;
  }

  /** Bytes from the control panel. */
  receive(chunk: Buffer): void {
    this.stats.bytesIn += chunk.length;
    for (const frame of this.reader.push(chunk)) {
      if (frame.addressByte & 0x80) continue; // a reply (echo of our own on a shared pair)
      const address = frame.addressByte & 0x7f;
      const targets = address === BROADCAST ? this.devices : this.devices.filter((d) => d.address === address);
      // A broadcast is answered only where a single PD makes the answer unambiguous.
      if (targets.length === 0 || (address === BROADCAST && targets.length !== 1)) continue;
      this.stats.commands += 1;
      if (this.repliesDue > 0) this.stats.overlaps += 1;
      const pd = targets[0]!;
      const commandLength = frame.macInput.length + (frame.mac ? 4 : 0) + (frame.crc ? 2 : 1) + 1;
      const reply = pd.handle(frame, Date.now());
      if (!reply) continue;
      const pace = this.options.paceAtBaud ?? true;
      const wire = (bytes: number) => (pace ? (bytes * 10 * 1000) / this.baudRate : 0);
      const now = performance.now();
      const sendAt =
        Math.max(now + wire(commandLength) + (this.options.turnaroundMs ?? 0.5) + reply.delayMs, this.busyUntil) + wire(reply.bytes.length);
      this.busyUntil = sendAt;
      this.repliesDue += 1;
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          this.repliesDue -= 1;
          this.stats.replies += 1;
          this.stats.bytesOut += reply.bytes.length;
          this.end?.write(reply.bytes);
          reply.after?.();
          if (pd.baudRate !== null && pd.baudRate !== this.baudRate && this.devices.length === 1) this.baudRate = pd.baudRate;
        },
        Math.max(0, sendAt - now),
      );
      this.timers.add(timer);
    }
  }
}
