/**
 * An in-process serial "wire": the agent opens a port by path through this binding
 * (serialport's `binding` option) exactly as it would open `/dev/ttyAMA0`, and the
 * simulated device at the other end pushes bytes into it through a `SerialDeviceEnd`.
 *
 * Each binding keeps its own ports (binding-mock's `MockBinding` keeps one global table,
 * which would let two simulated agents in one test process collide). The port objects
 * are binding-mock's `MockPortBinding`, so reads, writes and close behave as that
 * well-tested fake does; this file adds the device side, unplug and replug.
 */
import { createRequire } from 'node:module';
// These two packages' `exports` maps carry no types for ESM importers; their CommonJS
// entry points do, so types and the class come through `require`.
import type { MockPortInternal } from '@serialport/binding-mock' with { 'resolution-mode': 'require' };
import type { BindingInterface, OpenOptions, PortInfo } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };

// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- typescript-eslint reads the import attributes as a value
type BindingMockModule = typeof import('@serialport/binding-mock', { with: { 'resolution-mode': 'require' } });
const { MockPortBinding } = createRequire(import.meta.url)('@serialport/binding-mock') as BindingMockModule;

/** The device side of a simulated serial line: what a reader module transmits. */
export interface SerialDeviceEnd {
  readonly path: string;
  /**
   * Transmits bytes towards the host. Returns false when no host has the port open
   * (bytes on an unopened UART are lost, as on real hardware).
   */
  write(bytes: Uint8Array): boolean;
  /** True while a host has the port open. */
  readonly hostConnected: boolean;
  /**
   * Calls `listener` with the bytes the host writes (commands to a reader that takes
   * them, such as a PN532). Returns a function that removes the listener.
   */
  onReceive(listener: (bytes: Buffer) => void): () => void;
}

interface SimPortState {
  internal: MockPortInternal;
  open: SimPortBinding | null;
  unplugged: boolean;
  /** Bytes the host wrote to the device (kept for tests of readers that take commands). */
  received: Buffer[];
  receivers: Set<(bytes: Buffer) => void>;
}

/** A binding-mock port that can also be yanked out: in-flight reads fail like an unplugged USB adapter. */
export class SimPortBinding extends MockPortBinding {
  private failPendingRead: ((err: Error) => void) | null = null;
  private unplugError: Error | null = null;

  constructor(
    internal: MockPortInternal,
    openOptions: Required<OpenOptions>,
    private readonly onClosed: () => void,
    private readonly onHostWrite: (data: Buffer) => void,
  ) {
    super(internal, openOptions);
  }

  override async read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    if (this.unplugError) throw this.unplugError;
    return new Promise((resolve, reject) => {
      this.failPendingRead = reject;
      super
        .read(buffer, offset, length)
        .then(resolve, reject)
        .finally(() => {
          this.failPendingRead = null;
        });
    });
  }

  override async write(buffer: Buffer): Promise<void> {
    await super.write(buffer);
    this.onHostWrite(Buffer.from(buffer));
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      this.onClosed();
    }
  }

  /** Fails the pending read with a non-cancel error: the serial stream treats that as a disconnect. */
  unplug(): void {
    this.unplugError = Object.assign(new Error('device unplugged (EIO)'), { code: 'EIO' });
    this.failPendingRead?.(this.unplugError);
  }
}

export interface SimPortOptions {
  /** Largest chunk one read returns (a real UART driver hands over a few bytes at a time). */
  maxReadSize?: number;
}

export class SimSerialBinding implements BindingInterface<SimPortBinding> {
  private readonly ports = new Map<string, SimPortState>();

  /** Creates a port the host can open by `path` and returns the device end of it. */
  createPort(path: string, options: SimPortOptions = {}): SerialDeviceEnd {
    if (this.ports.has(path)) throw new Error(`simulated serial port ${path} already exists`);
    const state: SimPortState = {
      internal: {
        data: Buffer.alloc(0),
        echo: false,
        record: false,
        maxReadSize: options.maxReadSize ?? 1024,
        info: {
          path,
          manufacturer: 'acs hardware-sim',
          serialNumber: String(this.ports.size + 1),
          pnpId: undefined,
          locationId: undefined,
          vendorId: undefined,
          productId: undefined,
        },
      },
      open: null,
      unplugged: false,
      received: [],
      receivers: new Set(),
    };
    this.ports.set(path, state);
    return this.device(path);
  }

  /** The device end of an existing port. */
  device(path: string): SerialDeviceEnd {
    const state = this.state(path);
    return {
      path,
      write: (bytes: Uint8Array): boolean => {
        const port = state.open;
        if (!port || !port.isOpen || state.unplugged) return false;
        port.emitData(Buffer.from(bytes));
        return true;
      },
      get hostConnected(): boolean {
        return state.open !== null && state.open.isOpen && !state.unplugged;
      },
      onReceive: (listener) => {
        state.receivers.add(listener);
        return () => state.receivers.delete(listener);
      },
    };
  }

  /** Bytes the host has written to the device since the port was created (its last 1,000 writes). */
  hostWrites(path: string): Buffer {
    return Buffer.concat(this.state(path).received);
  }

  /** Pulls the cable: the open port fails and reopening fails until `replug`. */
  unplug(path: string): void {
    const state = this.state(path);
    state.unplugged = true;
    state.open?.unplug();
  }

  replug(path: string): void {
    this.state(path).unplugged = false;
  }

  isOpen(path: string): boolean {
    return this.state(path).open?.isOpen ?? false;
  }

  paths(): string[] {
    return [...this.ports.keys()];
  }

  async list(): Promise<PortInfo[]> {
    return [...this.ports.values()].filter((s) => !s.unplugged).map((s) => ({ ...s.internal.info }));
  }

  // JavaScript callers may omit the options; the check below answers them as serialport's own bindings do.
  async open(options: OpenOptions | undefined): Promise<SimPortBinding> {
    if (!options?.path) throw new TypeError('"path" is not a valid port');
    if (!options.baudRate) throw new TypeError('"baudRate" is not a valid baudRate');
    await new Promise<void>((resolve) => process.nextTick(resolve));
    const state = this.ports.get(options.path);
    if (!state || state.unplugged) {
      throw Object.assign(new Error(`Error: No such file or directory, cannot open ${options.path}`), { code: 'ENOENT' });
    }
    if (state.open?.isOpen) throw new Error(`Error Resource temporarily unavailable Cannot lock port ${options.path}`);
    const openOptions: Required<OpenOptions> = {
      dataBits: 8,
      lock: true,
      stopBits: 1,
      parity: 'none',
      rtscts: false,
      xon: false,
      xoff: false,
      xany: false,
      hupcl: true,
      ...options,
    };
    state.internal.data = Buffer.alloc(0);
    state.internal.openOpt = { ...openOptions };
    const port: SimPortBinding = new SimPortBinding(
      state.internal,
      openOptions,
      () => {
        if (state.open === port) state.open = null;
      },
      (data) => {
        state.received.push(data);
        // A polled reader receives commands for days in the demo: keep the recent ones only.
        if (state.received.length > 1000) state.received.splice(0, state.received.length - 1000);
        for (const listener of [...state.receivers]) listener(data);
      },
    );
    state.open = port;
    return port;
  }

  private state(path: string): SimPortState {
    const state = this.ports.get(path);
    if (!state) throw new Error(`no simulated serial port ${path}`);
    return state;
  }
}
