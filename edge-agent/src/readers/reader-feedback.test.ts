import { describe, jest, test } from '@jest/globals';
import { fakeTimers } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { SimGpio } from '@acs/hardware-sim';
import { captureLogger } from '../test-support/fixtures.js';
import { ReaderFeedback } from './reader-feedback.js';

const GREEN = 12;
const RED = 16;
const BUZZER = 20;

function setup() {
  fakeTimers(['setTimeout']);
  const gpio = new SimGpio();
  const feedback = new ReaderFeedback({
    gpio,
    greenLed: { line: GREEN, activeLow: false },
    redLed: { line: RED, activeLow: false },
    // Reader beeper inputs are usually active low.
    buzzer: { line: BUZZER, activeLow: true },
    grant: { ledMs: 1000, buzzerMs: 100, beeps: 1 },
    deny: { ledMs: 2000, buzzerMs: 150, beeps: 3 },
    log: captureLogger().logger,
  });
  feedback.start();
  /** Levels of green, red and buzzer right now. */
  const levels = () => [gpio.level(GREEN), gpio.level(RED), gpio.level(BUZZER)];
  return { gpio, feedback, levels, tick: (ms: number) => jest.advanceTimersByTime(ms) };
}

describe('reader feedback on GPIO', () => {
  test('starts with everything off (an active-low buzzer sits high)', () => {
    const { levels } = setup();
    assert.deepEqual(levels(), [0, 0, 1]);
  });

  test('a grant lights the green LED for its time and beeps once', () => {
    const { feedback, levels, tick } = setup();
    feedback.signal('grant');
    assert.deepEqual(levels(), [1, 0, 0], 'green on, buzzer on (low) at once');
    tick(100);
    assert.deepEqual(levels(), [1, 0, 1], 'the beep ends after 100 ms');
    tick(899);
    assert.deepEqual(levels(), [1, 0, 1]);
    tick(1);
    assert.deepEqual(levels(), [0, 0, 1], 'green off after 1 s');
  });

  test('a deny lights the red LED and beeps three times', () => {
    const { gpio, feedback, levels, tick } = setup();
    feedback.signal('deny');
    assert.deepEqual(levels(), [0, 1, 0]);
    tick(2000);
    assert.deepEqual(levels(), [0, 0, 1]);
    const buzzer = gpio.outputWrites(BUZZER).map((w) => w.level);
    // initial off, then on/off three times
    assert.deepEqual(buzzer, [1, 0, 1, 0, 1, 0, 1]);
  });

  test('a new badge cuts the running pattern short', () => {
    const { feedback, levels, tick } = setup();
    feedback.signal('deny');
    tick(50);
    feedback.signal('grant');
    assert.deepEqual(levels(), [1, 0, 0], 'red off, green on');
    tick(2000);
    assert.deepEqual(levels(), [0, 0, 1], 'nothing left over from the deny');
  });

  test('stop turns everything off and releases the lines', () => {
    const { gpio, feedback, levels } = setup();
    feedback.signal('grant');
    feedback.stop();
    assert.deepEqual(levels(), [0, 0, 1]);
    assert.doesNotThrow(() => gpio.output(GREEN, 0));
  });

  test('a reader with only a buzzer still beeps', () => {
    fakeTimers(['setTimeout']);
    const gpio = new SimGpio();
    const feedback = new ReaderFeedback({
      gpio,
      buzzer: { line: BUZZER, activeLow: false },
      grant: { ledMs: 1000, buzzerMs: 100, beeps: 2 },
      deny: { ledMs: 1000, buzzerMs: 100, beeps: 0 },
      log: captureLogger().logger,
    });
    feedback.start();
    feedback.signal('deny');
    feedback.signal('grant');
    jest.advanceTimersByTime(1000);
    assert.deepEqual(
      gpio.outputWrites(BUZZER).map((w) => w.level),
      [0, 1, 0, 1, 0],
    );
  });
});
