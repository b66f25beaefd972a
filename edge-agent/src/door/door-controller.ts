/**
 * One door: lock relay (output), optional door contact and request-to-exit button
 * (inputs). docs/hardware.md#doors; docs/product-rules.md#restricted-rooms.
 *
 * - `grant()` releases the lock for `releaseMs`, then relocks; the door relocks as soon
 *   as it closes after having opened.
 * - The exit button releases the lock the same way, without alarm.
 * - The door opening while the lock is not released is `forced_open`.
 * - Open longer than `heldOpenMs`: `held_open_prealarm` at 80 %, then `held_open`.
 *
 * Only `grant()` and the exit button ever release the lock. Nothing here listens to the
 * network, the store or the readers, so none of their failures can unlock a door.
 */
import { EventEmitter } from 'node:events';
import type { DoorEvent } from '@acs/shared/mqtt/payloads';
import type { GpioInput, GpioOutput, GpioProvider, Level } from '@acs/shared/hardware/interfaces';
import type { Logger } from '../log/logger.js';

export type DoorEventType = DoorEvent['type'];

export interface DoorControllerOptions {
  id: string;
  gpio: GpioProvider;
  lock: { line: number; activeLow: boolean; failMode: 'secure' | 'safe' };
  contact?: { line: number; openLevel: Level; debounceMs: number };
  exitButton?: { line: number; pressedLevel: Level; debounceMs: number };
  releaseMs: number;
  heldOpenMs: number;
  log: Logger;
}

export interface DoorControllerEvents {
  event: [type: DoorEventType, atMs: number];
}

export const HELD_OPEN_PREALARM_FRACTION = 0.8;

export class DoorController extends EventEmitter<DoorControllerEvents> {
  readonly id: string;
  private lock: GpioOutput | null = null;
  private contact: GpioInput | null = null;
  private exitButton: GpioInput | null = null;
  private releasedState = false;
  private openState = false;
  private relockTimer: NodeJS.Timeout | null = null;
  private prealarmTimer: NodeJS.Timeout | null = null;
  private heldOpenTimer: NodeJS.Timeout | null = null;
  private releaseMs: number;
  private heldOpenMs: number;

  constructor(private readonly options: DoorControllerOptions) {
    super();
    this.id = options.id;
    this.releaseMs = options.releaseMs;
    this.heldOpenMs = options.heldOpenMs;
  }

  get released(): boolean {
    return this.releasedState;
  }

  get isOpen(): boolean {
    return this.openState;
  }

  get times(): { releaseMs: number; heldOpenMs: number } {
    return { releaseMs: this.releaseMs, heldOpenMs: this.heldOpenMs };
  }

  /** Claims the lines and drives the lock locked. */
  start(): void {
    const { gpio, lock, contact, exitButton, log } = this.options;
    this.lock = gpio.output(lock.line, this.lockedLevel);
    this.lock.write(this.lockedLevel);
    if (contact) {
      this.contact = gpio.input(contact.line, { debounceMs: contact.debounceMs });
      this.openState = this.contact.read() === contact.openLevel;
      this.contact.watch((level) => this.onContact(level === contact.openLevel));
      if (this.openState) this.startHeldOpenTimers();
    }
    if (exitButton) {
      this.exitButton = gpio.input(exitButton.line, { debounceMs: exitButton.debounceMs });
      this.exitButton.watch((level) => {
        if (level === exitButton.pressedLevel) this.onExitRequest();
      });
    }
    log.info(`door ${this.id} ready, locked`, {
      lockLine: lock.line,
      activeLow: lock.activeLow,
      failMode: lock.failMode,
      contactLine: contact?.line ?? null,
      exitLine: exitButton?.line ?? null,
      releaseMs: this.releaseMs,
    });
  }

  /** Drives the lock locked and releases the lines. */
  stop(): void {
    this.clearTimer('relockTimer');
    this.clearHeldOpenTimers();
    if (this.lock) {
      this.lock.write(this.lockedLevel);
      this.releasedState = false;
      this.lock.close();
      this.lock = null;
    }
    this.contact?.close();
    this.exitButton?.close();
    this.contact = null;
    this.exitButton = null;
  }

  /** Release and held-open times from the server's permission set (or the config's defaults). */
  setTimes(times: { releaseMs: number; heldOpenMs: number }): void {
    this.releaseMs = times.releaseMs;
    this.heldOpenMs = times.heldOpenMs;
  }

  /** Releases the lock for `releaseMs`. Synchronous: the relay is driven before this returns. */
  grant(): void {
    this.release();
  }

  private get lockedLevel(): Level {
    return this.options.lock.activeLow ? 1 : 0;
  }

  private get releasedLevel(): Level {
    return this.options.lock.activeLow ? 0 : 1;
  }

  private release(): void {
    if (!this.lock) throw new Error(`door ${this.id} is not started`);
    this.lock.write(this.releasedLevel);
    this.releasedState = true;
    this.clearTimer('relockTimer');
    this.relockTimer = setTimeout(() => {
      this.relockTimer = null;
      this.relock();
    }, this.releaseMs);
  }

  private relock(): void {
    this.clearTimer('relockTimer');
    if (!this.releasedState || !this.lock) return;
    this.lock.write(this.lockedLevel);
    this.releasedState = false;
    this.emitEvent('relocked');
  }

  private onContact(open: boolean): void {
    if (open === this.openState) return;
    this.openState = open;
    if (open) {
      if (this.releasedState) {
        this.emitEvent('opened');
      } else {
        this.options.log.warn(`door ${this.id} forced open`);
        this.emitEvent('forced_open');
      }
      this.startHeldOpenTimers();
    } else {
      this.clearHeldOpenTimers();
      this.emitEvent('closed');
      // Relock as soon as the door is shut again rather than waiting out the release time.
      if (this.releasedState) this.relock();
    }
  }

  private onExitRequest(): void {
    this.emitEvent('exit_request');
    this.release();
  }

  private startHeldOpenTimers(): void {
    this.clearHeldOpenTimers();
    this.prealarmTimer = setTimeout(
      () => {
        this.prealarmTimer = null;
        this.emitEvent('held_open_prealarm');
      },
      Math.round(this.heldOpenMs * HELD_OPEN_PREALARM_FRACTION),
    );
    this.heldOpenTimer = setTimeout(() => {
      this.heldOpenTimer = null;
      this.options.log.warn(`door ${this.id} held open longer than ${this.heldOpenMs} ms`);
      this.emitEvent('held_open');
    }, this.heldOpenMs);
  }

  private clearHeldOpenTimers(): void {
    this.clearTimer('prealarmTimer');
    this.clearTimer('heldOpenTimer');
  }

  private clearTimer(name: 'relockTimer' | 'prealarmTimer' | 'heldOpenTimer'): void {
    const timer = this[name];
    if (timer) clearTimeout(timer);
    this[name] = null;
  }

  private emitEvent(type: DoorEventType): void {
    this.emit('event', type, Date.now());
  }
}
