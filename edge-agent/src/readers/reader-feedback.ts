/**
 * Reader feedback on GPIO: a green LED, a red LED and a buzzer where they are wired
 * (most Wiegand readers take LED and beeper inputs; a UART module can be given its own
 * LEDs). A grant lights the green LED and beeps, a deny lights the red LED and beeps
 * several times; a new badge cuts the running pattern short. Writes are synchronous
 * GPIO writes, so calling `signal` on the badge path costs microseconds; the pulse
 * endings run on timers.
 */
import type { GpioOutput, GpioProvider, Level } from '@acs/shared/hardware/interfaces';
import type { Logger } from '../log/logger.js';

export interface FeedbackOutputSpec {
  line: number;
  /** The LED or buzzer is on while the line is low (reader inputs usually are). */
  activeLow: boolean;
}

export interface FeedbackPattern {
  /** How long the LED stays lit. 0: not at all. */
  ledMs: number;
  /** Length of each beep and of the pause between beeps. */
  buzzerMs: number;
  /** Number of beeps. 0: silent. */
  beeps: number;
}

export interface ReaderFeedbackOptions {
  gpio: GpioProvider;
  greenLed?: FeedbackOutputSpec;
  redLed?: FeedbackOutputSpec;
  buzzer?: FeedbackOutputSpec;
  grant: FeedbackPattern;
  deny: FeedbackPattern;
  log: Logger;
}

interface DrivenOutput {
  spec: FeedbackOutputSpec;
  out: GpioOutput;
}

export class ReaderFeedback {
  private green: DrivenOutput | null = null;
  private red: DrivenOutput | null = null;
  private buzzer: DrivenOutput | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: ReaderFeedbackOptions) {}

  /** Claims the lines, all off. */
  start(): void {
    if (this.green || this.red || this.buzzer) return;
    const claim = (spec: FeedbackOutputSpec | undefined): DrivenOutput | null =>
      spec ? { spec, out: this.options.gpio.output(spec.line, level(spec, false)) } : null;
    this.green = claim(this.options.greenLed);
    this.red = claim(this.options.redLed);
    this.buzzer = claim(this.options.buzzer);
  }

  signal(outcome: 'grant' | 'deny'): void {
    this.cancel();
    const pattern = outcome === 'grant' ? this.options.grant : this.options.deny;
    const led = outcome === 'grant' ? this.green : this.red;
    try {
      if (led && pattern.ledMs > 0) {
        drive(led, true);
        this.after(pattern.ledMs, () => drive(led, false));
      }
      const buzzer = this.buzzer;
      if (buzzer && pattern.beeps > 0 && pattern.buzzerMs > 0) {
        drive(buzzer, true);
        for (let beep = 0; beep < pattern.beeps; beep++) {
          const onAt = beep * 2 * pattern.buzzerMs;
          if (beep > 0) this.after(onAt, () => drive(buzzer, true));
          this.after(onAt + pattern.buzzerMs, () => drive(buzzer, false));
        }
      }
    } catch (err) {
      // Feedback is a courtesy: a GPIO error here must never reach the decision.
      this.options.log.warn('reader feedback failed', { error: (err as Error).message });
    }
  }

  /** Turns everything off and releases the lines. */
  stop(): void {
    this.cancel();
    for (const output of [this.green, this.red, this.buzzer]) {
      if (!output) continue;
      try {
        output.out.close();
      } catch (err) {
        this.options.log.warn('closing a feedback output failed', { line: output.spec.line, error: (err as Error).message });
      }
    }
    this.green = this.red = this.buzzer = null;
  }

  private cancel(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const output of [this.green, this.red, this.buzzer])
      if (output && output.out.read() !== level(output.spec, false)) drive(output, false);
  }

  private after(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        action();
      } catch (err) {
        this.options.log.warn('reader feedback failed', { error: (err as Error).message });
      }
    }, ms);
    this.timers.add(timer);
  }
}

function level(spec: FeedbackOutputSpec, on: boolean): Level {
  return on !== spec.activeLow ? 1 : 0;
}

function drive(output: DrivenOutput, on: boolean): void {
  output.out.write(level(output.spec, on));
}
