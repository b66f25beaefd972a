/**
 * A pseudo-terminal pair made by socat: two serial-looking device files joined back to
 * back, as if a reader module were wired to a UART.
 *
 *   socat -d -d pty,raw,echo=0,link=<device> pty,raw,echo=0,link=<host>
 *
 * The agent opens `hostPath` with `serial.driver: system`, that is with serialport's
 * real system binding: its real serial code path. The simulated device (RDM6300, line
 * reader, PN532) writes into `devicePath`, also through serialport's system binding,
 * via `device`, a `SerialDeviceEnd` like the in-process simulator's.
 *
 * `unplug()` kills socat and removes the links, as a USB adapter's device file vanishes
 * when pulled: the agent's open port fails and reopening fails until `replug()` starts
 * socat again with the same link paths (new pseudo-terminals behind them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPortStream } from '@serialport/stream';
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { SerialDeviceEnd } from './sim-serial-binding.js';

/** The socat executable on PATH (or /usr/bin), or null: tests skip with this reason. */
export function findSocat(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, 'socat');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export interface PtyPairOptions {
  /** Folder for the two links (a test's temporary folder). */
  dir: string;
  /** Base name of the links: `<name>-device` and `<name>-host`. */
  name: string;
  /** Baud rate the device end opens with (a pseudo-terminal ignores it; serialport needs one). */
  baudRate?: number;
  /** Default: `findSocat()`. */
  socatPath?: string;
  /** How long to wait for socat's links. Default 5 s. */
  startTimeoutMs?: number;
}

/** serialport's system binding (the native one the agent uses on a Pi). */
async function systemBinding(): Promise<BindingInterface> {
  const { SerialPort } = await import('serialport');
  return SerialPort.binding;
}

export class PtyPair {
  readonly hostPath: string;
  readonly devicePath: string;
  readonly device: SerialDeviceEnd;
  private socat: ChildProcess | null = null;
  private port: SerialPortStream | null = null;
  private readonly receivers = new Set<(bytes: Buffer) => void>();
  private stderr = '';

  private constructor(private readonly options: PtyPairOptions & { socatPath: string }) {
    this.devicePath = join(options.dir, `${options.name}-device`);
    this.hostPath = join(options.dir, `${options.name}-host`);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter below has the device object as its `this`
    const self = this;
    this.device = {
      path: this.devicePath,
      write: (bytes: Uint8Array): boolean => {
        const port = self.port;
        if (!port?.isOpen) return false;
        port.write(Buffer.from(bytes));
        return true;
      },
      // A pseudo-terminal cannot tell whether the other side is open: this reports the
      // simulator's own side (false while unplugged).
      get hostConnected(): boolean {
        return self.port?.isOpen ?? false;
      },
      onReceive: (listener) => {
        self.receivers.add(listener);
        return () => self.receivers.delete(listener);
      },
    };
  }

  /** Starts socat and opens the device end. Throws when socat is missing or does not start. */
  static async create(options: PtyPairOptions): Promise<PtyPair> {
    const socatPath = options.socatPath ?? findSocat();
    if (!socatPath) throw new Error('socat is not installed (apt-get install socat)');
    const pair = new PtyPair({ ...options, socatPath });
    await pair.replug();
    return pair;
  }

  get isPlugged(): boolean {
    return this.socat !== null;
  }

  /** Pulls the cable: socat stops, the links disappear, both ends see the line go. */
  async unplug(): Promise<void> {
    await this.closeDevice();
    await this.stopSocat();
    await Promise.all([rm(this.devicePath, { force: true }), rm(this.hostPath, { force: true })]);
  }

  /** Plugs it back: socat again, same link paths, device end reopened. */
  async replug(): Promise<void> {
    if (this.socat) return;
    await Promise.all([rm(this.devicePath, { force: true }), rm(this.hostPath, { force: true })]);
    const child = spawn(
      this.options.socatPath,
      ['-d', '-d', `pty,raw,echo=0,link=${this.devicePath}`, `pty,raw,echo=0,link=${this.hostPath}`],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    this.socat = child;
    this.stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-4000);
    });
    child.on('exit', () => {
      if (this.socat === child) this.socat = null;
    });
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 5000);
    while (!(existsSync(this.devicePath) && existsSync(this.hostPath) && this.stderr.includes('starting data transfer loop'))) {
      if (this.socat !== child) throw new Error(`socat exited before creating the pseudo-terminals: ${this.stderr.trim()}`);
      if (Date.now() > deadline) {
        await this.stopSocat();
        throw new Error(`socat did not create ${this.devicePath} and ${this.hostPath} in time: ${this.stderr.trim()}`);
      }
      await sleep(10);
    }
    await this.openDevice();
  }

  /** Stops socat and removes the links. */
  async close(): Promise<void> {
    this.receivers.clear();
    await this.unplug();
  }

  private async openDevice(): Promise<void> {
    const port = new SerialPortStream({
      binding: await systemBinding(),
      path: this.devicePath,
      baudRate: this.options.baudRate ?? 9600,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', (chunk: Buffer) => {
      for (const listener of [...this.receivers]) listener(chunk);
    });
    // The device end fails too when socat goes; nothing to do but forget it.
    port.on('error', () => undefined);
    port.on('close', () => {
      if (this.port === port) this.port = null;
    });
    this.port = port;
  }

  private async closeDevice(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private async stopSocat(): Promise<void> {
    const child = this.socat;
    if (!child) return;
    this.socat = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), sleep(2000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}
