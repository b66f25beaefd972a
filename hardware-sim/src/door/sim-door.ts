/**
 * Door physics bound to a door's lock relay (an output the agent drives) and its door
 * contact and exit button (inputs the simulation drives). A door opens only while the
 * lock is released, unless it is forced.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Level } from '@acs/shared/hardware/interfaces';
import type { OutputWrite, SimGpio } from '../gpio/sim-gpio.js';

export interface SimDoorSpec {
  id: string;
  lock: { line: number; activeLow?: boolean };
  contact?: { line: number; openLevel?: Level };
  exitButton?: { line: number; pressedLevel?: Level };
}

/** One period during which the lock relay was in its released state. */
export interface LockRelease {
  /** `Date.now()` when the relay released. */
  startedAt: number;
  startedAtNs: bigint;
  /** Null while still released. */
  endedAtNs: bigint | null;
  durationMs: number | null;
}

export interface WalkThroughOptions {
  /** How long the person waits at the door for the lock to release. Default 1000 ms. */
  waitMs?: number;
  /** How long the door stays open while they pass. Default 300 ms. */
  openMs?: number;
}

export class SimDoor {
  private opened = false;

  constructor(
    private readonly gpio: SimGpio,
    readonly spec: SimDoorSpec,
  ) {
    if (spec.contact) gpio.setInput(spec.contact.line, this.contactLevel(false));
    if (spec.exitButton) gpio.setInput(spec.exitButton.line, this.exitLevel(false));
  }

  get id(): string {
    return this.spec.id;
  }

  /** The lock counts as locked until the host drives the relay to its released level. */
  get isLocked(): boolean {
    const writes = this.gpio.outputWrites(this.spec.lock.line);
    const last = writes[writes.length - 1];
    return last === undefined || last.level !== this.releasedLevel;
  }

  get isOpen(): boolean {
    return this.opened;
  }

  /** Opens the door. Fails (returns false) while locked unless `force` is set. */
  open(options: { force?: boolean } = {}): boolean {
    if (this.opened) return true;
    if (this.isLocked && !options.force) return false;
    this.opened = true;
    if (this.spec.contact) this.gpio.setInput(this.spec.contact.line, this.contactLevel(true));
    return true;
  }

  /** Opens the door against the lock (someone pries it open). */
  force(): void {
    this.open({ force: true });
  }

  close(): void {
    if (!this.opened) return;
    this.opened = false;
    if (this.spec.contact) this.gpio.setInput(this.spec.contact.line, this.contactLevel(false));
  }

  /** Holds the door open for `ms`, then lets it close. */
  async holdOpen(ms: number, options: { force?: boolean } = {}): Promise<boolean> {
    if (!this.open(options)) return false;
    await sleep(ms);
    this.close();
    return true;
  }

  /** Presses the request-to-exit button for `holdMs`. */
  async pressExit(holdMs = 100): Promise<void> {
    const button = this.spec.exitButton;
    if (!button) throw new Error(`door ${this.id} has no exit button`);
    this.gpio.setInput(button.line, this.exitLevel(true));
    await sleep(holdMs);
    this.gpio.setInput(button.line, this.exitLevel(false));
  }

  /** Resolves true as soon as the lock is released, false after `timeoutMs`. */
  waitForRelease(timeoutMs: number): Promise<boolean> {
    if (!this.isLocked) return Promise.resolve(true);
    return this.waitForNextRelease(timeoutMs);
  }

  /**
   * Resolves true at the next write of the released level to the lock relay (a grant,
   * even one extending a release already in progress), false after `timeoutMs`.
   */
  waitForNextRelease(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const stop = this.gpio.onOutput((write) => {
        if (write.line === this.spec.lock.line && write.level === this.releasedLevel) finish(true);
      });
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (released: boolean) => {
        clearTimeout(timer);
        stop();
        resolve(released);
      };
    });
  }

  /** A person waits for the release, opens the door, passes, and lets it close. */
  async walkThrough(options: WalkThroughOptions = {}): Promise<boolean> {
    if (!(await this.waitForRelease(options.waitMs ?? 1000))) return false;
    return this.holdOpen(options.openMs ?? 300);
  }

  /** Every period the relay spent released, oldest first. */
  lockReleases(): LockRelease[] {
    return lockReleasesFrom(this.gpio.outputWrites(this.spec.lock.line), this.releasedLevel);
  }

  private get releasedLevel(): Level {
    return this.spec.lock.activeLow ? 0 : 1;
  }

  private contactLevel(open: boolean): Level {
    const openLevel = this.spec.contact?.openLevel ?? 1;
    return (open ? openLevel : 1 - openLevel) as Level;
  }

  private exitLevel(pressed: boolean): Level {
    const pressedLevel = this.spec.exitButton?.pressedLevel ?? 0;
    return (pressed ? pressedLevel : 1 - pressedLevel) as Level;
  }
}

export function lockReleasesFrom(writes: readonly OutputWrite[], releasedLevel: Level): LockRelease[] {
  const releases: LockRelease[] = [];
  let current: LockRelease | null = null;
  for (const write of writes) {
    if (write.level === releasedLevel && current === null) {
      current = { startedAt: write.atMs, startedAtNs: write.atNs, endedAtNs: null, durationMs: null };
      releases.push(current);
    } else if (write.level !== releasedLevel && current !== null) {
      current.endedAtNs = write.atNs;
      current.durationMs = Number(write.atNs - current.startedAtNs) / 1e6;
      current = null;
    }
  }
  return releases;
}
