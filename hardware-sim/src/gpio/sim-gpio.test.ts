import { describe, jest, test } from '@jest/globals';
import { fakeTimers } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import type { Level } from '@acs/shared/hardware/interfaces';
import { SimGpio } from './sim-gpio.js';

describe('simulated GPIO', () => {
  test('records every output write with an hrtime stamp', () => {
    const gpio = new SimGpio();
    const before = process.hrtime.bigint();
    const relay = gpio.output(17, 0);
    relay.write(1);
    relay.write(0);
    const writes = gpio.outputWrites(17);
    assert.deepEqual(
      writes.map((w) => w.level),
      [0, 1, 0],
    );
    assert.ok(writes.every((w, i) => w.atNs >= before && (i === 0 || w.atNs >= writes[i - 1]!.atNs)));
    assert.equal(gpio.level(17), 0);
    assert.equal(relay.read(), 0);
  });

  test('tells output listeners about each write', () => {
    const gpio = new SimGpio();
    const seen: number[] = [];
    const stop = gpio.onOutput((w) => seen.push(w.level));
    const relay = gpio.output(5, 1);
    relay.write(0);
    stop();
    relay.write(1);
    assert.deepEqual(seen, [1, 0]);
  });

  test('reports input changes at once without debounce', () => {
    const gpio = new SimGpio();
    const input = gpio.input(27, { debounceMs: 0 });
    const seen: Level[] = [];
    input.watch((level) => seen.push(level));
    gpio.setInput(27, 1);
    gpio.setInput(27, 1);
    gpio.setInput(27, 0);
    assert.deepEqual(seen, [1, 0]);
  });

  test('reports only the edges a line asked for, at the synthetic time given', () => {
    const gpio = new SimGpio();
    const rising = gpio.input(5, { debounceMs: 0, edge: 'rising' });
    const falling = gpio.input(6, { debounceMs: 0, edge: 'falling' });
    const seen: string[] = [];
    rising.watch((level, atNs) => seen.push(`5:${level}@${atNs}`));
    falling.watch((level, atNs) => seen.push(`6:${level}@${atNs}`));
    gpio.setInput(5, 1, 100n);
    gpio.setInput(5, 0, 200n);
    gpio.setInput(5, 1, 300n);
    gpio.setInput(6, 1, 400n);
    gpio.setInput(6, 0, 500n);
    assert.deepEqual(seen, ['5:1@100', '5:1@300', '6:0@500']);
  });

  test('refuses synthetic timestamps on a debounced line', () => {
    const gpio = new SimGpio();
    gpio.input(27, { debounceMs: 50 });
    assert.throws(() => gpio.setInput(27, 1, 1n), /synthetic timestamps need a line without debounce/);
  });

  test('ignores a change shorter than the debounce time and reports one that lasts', () => {
    fakeTimers(['setTimeout']);
    const gpio = new SimGpio();
    const input = gpio.input(27, { debounceMs: 50 });
    const seen: Level[] = [];
    input.watch((level) => seen.push(level));
    gpio.setInput(27, 1);
    jest.advanceTimersByTime(30);
    gpio.setInput(27, 0);
    jest.advanceTimersByTime(100);
    assert.deepEqual(seen, []);
    gpio.setInput(27, 1);
    jest.advanceTimersByTime(49);
    assert.deepEqual(seen, []);
    jest.advanceTimersByTime(1);
    assert.deepEqual(seen, [1]);
    assert.equal(input.read(), 1);
  });

  test('refuses to claim a line twice and lets it be claimed again after close', () => {
    const gpio = new SimGpio();
    const relay = gpio.output(17, 0);
    assert.throws(() => gpio.input(17, { debounceMs: 0 }), /GPIO 17 is busy/);
    relay.close();
    assert.doesNotThrow(() => gpio.output(17, 0));
  });

  test('does not let the simulation drive an output line', () => {
    const gpio = new SimGpio();
    gpio.output(17, 0);
    assert.throws(() => gpio.setInput(17, 1), /is an output/);
  });
});
