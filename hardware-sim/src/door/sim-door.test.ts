import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { SimGpio } from '../gpio/sim-gpio.js';
import { SimDoor } from './sim-door.js';

function setup(activeLow = false) {
  const gpio = new SimGpio();
  const door = new SimDoor(gpio, {
    id: 'lab',
    lock: { line: 23, activeLow },
    contact: { line: 24, openLevel: 1 },
    exitButton: { line: 25, pressedLevel: 0 },
  });
  const contact = gpio.input(24, { debounceMs: 0 });
  const exit = gpio.input(25, { debounceMs: 0 });
  return { gpio, door, contact, exit };
}

describe('simulated door', () => {
  test('starts closed with the exit button released', () => {
    const { door, contact, exit } = setup();
    assert.equal(door.isOpen, false);
    assert.equal(contact.read(), 0);
    assert.equal(exit.read(), 1);
  });

  test('counts as locked until the host releases the relay, for either polarity', () => {
    for (const activeLow of [false, true]) {
      const { gpio, door } = setup(activeLow);
      assert.equal(door.isLocked, true);
      const relay = gpio.output(23, activeLow ? 1 : 0);
      assert.equal(door.isLocked, true);
      relay.write(activeLow ? 0 : 1);
      assert.equal(door.isLocked, false);
    }
  });

  test('does not open while locked, opens when released, and drives the contact', () => {
    const { gpio, door, contact } = setup();
    const relay = gpio.output(23, 0);
    assert.equal(door.open(), false);
    relay.write(1);
    assert.equal(door.open(), true);
    assert.equal(contact.read(), 1);
    door.close();
    assert.equal(contact.read(), 0);
  });

  test('opens by force against the lock', () => {
    const { gpio, door, contact } = setup();
    gpio.output(23, 0);
    door.force();
    assert.equal(door.isOpen, true);
    assert.equal(contact.read(), 1);
    assert.equal(door.isLocked, true);
  });

  test('presses and releases the exit button', async () => {
    const { door, exit } = setup();
    const levels: number[] = [];
    exit.watch((l) => levels.push(l));
    await door.pressExit(5);
    assert.deepEqual(levels, [0, 1]);
  });

  test('walks through once the lock releases, and records the release', async () => {
    const { gpio, door, contact } = setup();
    const relay = gpio.output(23, 0);
    const opened: number[] = [];
    contact.watch((l) => opened.push(l));
    const walking = door.walkThrough({ waitMs: 500, openMs: 20 });
    setTimeout(() => relay.write(1), 10);
    assert.equal(await walking, true);
    assert.deepEqual(opened, [1, 0]);
    relay.write(0);
    const releases = door.lockReleases();
    assert.equal(releases.length, 1);
    // The relay stayed released while the person walked through (timers may fire a little early).
    assert.ok(releases[0]!.durationMs! >= 15, `released for ${releases[0]!.durationMs} ms`);
  });

  test('gives up walking through when the lock stays locked', async () => {
    const { gpio, door } = setup();
    gpio.output(23, 0);
    assert.equal(await door.walkThrough({ waitMs: 30 }), false);
    assert.equal(door.isOpen, false);
  });
});
