/**
 * In-memory GPIO lines implementing the agent's `GpioProvider`. The agent drives
 * outputs (lock relays) and watches inputs (door contacts, exit buttons); the
 * simulation drives inputs with `setInput` and observes outputs. Every output write is
 * kept with an hrtime stamp, so tests can assert relay pulses and their timing.
 */
import type {
  GpioEdge,
  GpioInput,
  GpioInputOptions,
  GpioOutput,
  GpioProvider,
  InputListener,
  Level,
} from '@acs/shared/hardware/interfaces';

export interface OutputWrite {
  line: number;
  level: Level;
  /** `process.hrtime.bigint()` at the write. */
  atNs: bigint;
  /** `Date.now()` at the write. */
  atMs: number;
}

export type OutputListener = (write: OutputWrite) => void;

interface SimLine {
  /** What the pin reads right now. */
  raw: Level;
  /** Who holds the line: nobody, the host as an output, or the host as an input. */
  claim: 'none' | 'output' | 'input';
  /** The level last reported to watchers (debounced). */
  reported: Level;
  debounceMs: number;
  /** Which reported changes reach the listeners. */
  edge: GpioEdge;
  debounceTimer: NodeJS.Timeout | null;
  listeners: InputListener[];
}

export class SimGpio implements GpioProvider {
  private readonly lines = new Map<number, SimLine>();
  private readonly writes: OutputWrite[] = [];
  /** A demo can run for days; old writes are dropped beyond this. */
  private readonly maxHistory = 100_000;
  private readonly outputListeners = new Set<OutputListener>();

  output(line: number, initial: Level): GpioOutput {
    const state = this.claim(line, 'output');
    this.record(line, state, initial);
    return {
      write: (level: Level) => {
        if (state.claim !== 'output') throw new Error(`GPIO ${line} is closed`);
        this.record(line, state, level);
      },
      read: () => state.raw,
      close: () => {
        state.claim = 'none';
      },
    };
  }

  input(line: number, options: GpioInputOptions): GpioInput {
    const state = this.claim(line, 'input');
    state.debounceMs = Math.max(0, options.debounceMs);
    state.edge = options.edge ?? 'both';
    state.reported = state.raw;
    return {
      read: () => state.raw,
      watch: (listener: InputListener) => {
        state.listeners.push(listener);
      },
      unwatchAll: () => {
        state.listeners = [];
      },
      close: () => {
        state.listeners = [];
        if (state.debounceTimer) clearTimeout(state.debounceTimer);
        state.debounceTimer = null;
        state.claim = 'none';
      },
    };
  }

  async close(): Promise<void> {
    for (const state of this.lines.values()) {
      if (state.debounceTimer) clearTimeout(state.debounceTimer);
      state.debounceTimer = null;
      state.listeners = [];
      state.claim = 'none';
    }
  }

  // ------------------------------------------------------------ simulation side

  /**
   * Drives an input pin. Watchers hear about it after the line's debounce time if the
   * level still differs from what they last heard (onoff's debounce semantics); with
   * no debounce they hear at once, and only of the edges they asked for.
   *
   * `atNs` stamps the change with a synthetic time instead of `process.hrtime` (lines
   * without debounce only): a test can deliver a whole Wiegand pulse train in one tick
   * with the timing it would have had on the wire.
   */
  setInput(line: number, level: Level, atNs?: bigint): void {
    const state = this.line(line);
    if (state.claim === 'output') throw new Error(`GPIO ${line} is an output; the simulation cannot drive it`);
    if (atNs !== undefined && state.claim === 'input' && state.debounceMs > 0) {
      throw new Error(`GPIO ${line} is debounced; synthetic timestamps need a line without debounce`);
    }
    if (state.raw === level) return;
    state.raw = level;
    if (state.claim !== 'input') return;
    if (state.debounceMs === 0) {
      this.report(state, atNs);
      return;
    }
    if (state.debounceTimer) clearTimeout(state.debounceTimer);
    state.debounceTimer = setTimeout(() => {
      state.debounceTimer = null;
      this.report(state);
    }, state.debounceMs);
  }

  /** The pin's current level (output or input). */
  level(line: number): Level {
    return this.line(line).raw;
  }

  /** Output writes, oldest first, optionally for one line. */
  outputWrites(line?: number): OutputWrite[] {
    return line === undefined ? [...this.writes] : this.writes.filter((w) => w.line === line);
  }

  /** Calls `listener` on every output write; returns a function that removes it. */
  onOutput(listener: OutputListener): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  private report(state: SimLine, atNs: bigint = process.hrtime.bigint()): void {
    if (state.raw === state.reported) return;
    state.reported = state.raw;
    if ((state.edge === 'rising' && state.raw === 0) || (state.edge === 'falling' && state.raw === 1)) return;
    for (const listener of [...state.listeners]) listener(state.raw, atNs);
  }

  private record(line: number, state: SimLine, level: Level): void {
    state.raw = level;
    const write: OutputWrite = { line, level, atNs: process.hrtime.bigint(), atMs: Date.now() };
    this.writes.push(write);
    if (this.writes.length > this.maxHistory) this.writes.splice(0, this.writes.length - this.maxHistory);
    for (const listener of [...this.outputListeners]) listener(write);
  }

  private claim(line: number, as: 'output' | 'input'): SimLine {
    if (!Number.isInteger(line) || line < 0) throw new RangeError(`GPIO line must be a non-negative integer, got ${line}`);
    const state = this.line(line);
    if (state.claim !== 'none') throw new Error(`GPIO ${line} is busy (already claimed as ${state.claim})`);
    state.claim = as;
    return state;
  }

  private line(line: number): SimLine {
    let state = this.lines.get(line);
    if (!state) {
      state = { raw: 0, claim: 'none', reported: 0, debounceMs: 0, edge: 'both', debounceTimer: null, listeners: [] };
      this.lines.set(line, state);
    }
    return state;
  }
}
