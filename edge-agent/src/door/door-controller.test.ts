import { describe, jest, test } from '@jest/globals';
import { fakeTimers, onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { SimDoor, SimGpio } from '@acs/hardware-sim';
import { silentLogger } from '../log/logger.js';
import { DoorController, type DoorEventType } from './door-controller.js';

const LOCK = 17;
const CONTACT = 27;
const EXIT = 22;

function setup(options: { activeLow?: boolean; contactDebounceMs?: number; releaseMs?: number; heldOpenMs?: number } = {}) {
  fakeTimers(['setTimeout']);
  const gpio = new SimGpio();
  const simDoor = new SimDoor(gpio, {
    id: 'lab',
    lock: { line: LOCK, activeLow: options.activeLow ?? false },
    contact: { line: CONTACT, openLevel: 1 },
    exitButton: { line: EXIT, pressedLevel: 0 },
  });
  const door = new DoorController({
    id: 'lab',
    gpio,
    lock: { line: LOCK, activeLow: options.activeLow ?? false, failMode: 'secure' },
    contact: { line: CONTACT, openLevel: 1, debounceMs: options.contactDebounceMs ?? 0 },
    exitButton: { line: EXIT, pressedLevel: 0, debounceMs: 0 },
    releaseMs: options.releaseMs ?? 3000,
    heldOpenMs: options.heldOpenMs ?? 10_000,
    log: silentLogger,
  });
  const events: DoorEventType[] = [];
  door.on('event', (type) => events.push(type));
  door.start();
  onTestFinished(() => door.stop());
  return { gpio, simDoor, door, events, tick: (ms: number) => jest.advanceTimersByTime(ms) };
}

describe('door controller', () => {
  test('drives the lock locked at start', () => {
    const { gpio, simDoor } = setup();
    assert.deepEqual(
      gpio.outputWrites(LOCK).map((w) => w.level),
      [0, 0],
    );
    assert.equal(simDoor.isLocked, true);
  });

  test('a grant releases the relay synchronously for releaseMs, then relocks', () => {
    const { gpio, door, events, tick, simDoor } = setup({ releaseMs: 3000 });
    door.grant();
    assert.equal(gpio.level(LOCK), 1, 'released before grant() returns');
    tick(2999);
    assert.equal(gpio.level(LOCK), 1);
    tick(1);
    assert.equal(gpio.level(LOCK), 0);
    assert.deepEqual(events, ['relocked']);
    assert.equal(simDoor.lockReleases().length, 1);
  });

  test('honours an active-low relay: locked is high, released is low', () => {
    const { gpio, door, tick } = setup({ activeLow: true, releaseMs: 3000 });
    assert.equal(gpio.level(LOCK), 1);
    door.grant();
    assert.equal(gpio.level(LOCK), 0);
    tick(3000);
    assert.equal(gpio.level(LOCK), 1);
  });

  test('a second grant during a release extends it', () => {
    const { gpio, door, tick } = setup({ releaseMs: 3000 });
    door.grant();
    tick(2000);
    door.grant();
    tick(2000);
    assert.equal(gpio.level(LOCK), 1);
    tick(1000);
    assert.equal(gpio.level(LOCK), 0);
  });

  test('relocks as soon as the door closes after having opened', () => {
    const { gpio, door, simDoor, events } = setup({ releaseMs: 5000 });
    door.grant();
    assert.equal(simDoor.open(), true);
    simDoor.close();
    assert.equal(gpio.level(LOCK), 0);
    assert.deepEqual(events, ['opened', 'closed', 'relocked']);
  });

  test('the exit button releases the lock and the door opens without an alarm', () => {
    const { gpio, simDoor, events } = setup();
    gpio.setInput(EXIT, 0);
    assert.equal(gpio.level(LOCK), 1);
    gpio.setInput(EXIT, 1);
    assert.equal(simDoor.open(), true);
    simDoor.close();
    assert.deepEqual(events, ['exit_request', 'opened', 'closed', 'relocked']);
  });

  test('the door opening while locked is forced_open', () => {
    const { simDoor, events, gpio } = setup();
    assert.equal(simDoor.open(), false, 'a locked door does not open');
    simDoor.force();
    assert.deepEqual(events, ['forced_open']);
    assert.equal(gpio.level(LOCK), 0, 'a forced door does not unlock anything');
    simDoor.close();
    assert.deepEqual(events, ['forced_open', 'closed']);
  });

  test('a door opened after the release expired is forced_open', () => {
    const { door, simDoor, events, tick } = setup({ releaseMs: 3000 });
    door.grant();
    tick(3000);
    simDoor.force();
    assert.deepEqual(events, ['relocked', 'forced_open']);
  });

  test('a door left open raises held_open_prealarm at 80 % and held_open at heldOpenMs', () => {
    const { door, simDoor, events, tick } = setup({ releaseMs: 3000, heldOpenMs: 10_000 });
    door.grant();
    simDoor.open();
    tick(3000);
    assert.deepEqual(events, ['opened', 'relocked']);
    tick(4999);
    assert.deepEqual(events, ['opened', 'relocked']);
    tick(1);
    assert.deepEqual(events, ['opened', 'relocked', 'held_open_prealarm']);
    tick(1999);
    assert.deepEqual(events, ['opened', 'relocked', 'held_open_prealarm']);
    tick(1);
    assert.deepEqual(events, ['opened', 'relocked', 'held_open_prealarm', 'held_open']);
    simDoor.close();
    assert.deepEqual(events.slice(-1), ['closed']);
  });

  test('closing the door in time cancels the held-open alarms', () => {
    const { door, simDoor, events, tick } = setup({ heldOpenMs: 10_000 });
    door.grant();
    simDoor.open();
    tick(5000);
    simDoor.close();
    tick(20_000);
    assert.equal(events.includes('held_open_prealarm'), false);
    assert.equal(events.includes('held_open'), false);
  });

  test('ignores contact bounce shorter than the debounce time but sees a real opening', () => {
    const { gpio, events, tick } = setup({ contactDebounceMs: 50 });
    gpio.setInput(CONTACT, 1);
    tick(20);
    gpio.setInput(CONTACT, 0);
    tick(100);
    assert.deepEqual(events, []);
    gpio.setInput(CONTACT, 1);
    tick(60);
    assert.deepEqual(events, ['forced_open']);
  });

  test('uses release and held-open times set later (from the permission set)', () => {
    const { gpio, door, tick } = setup({ releaseMs: 3000 });
    door.setTimes({ releaseMs: 8000, heldOpenMs: 60_000 });
    door.grant();
    tick(7999);
    assert.equal(gpio.level(LOCK), 1);
    tick(1);
    assert.equal(gpio.level(LOCK), 0);
  });

  test('stop drives the lock locked even during a release', () => {
    const { gpio, door } = setup();
    door.grant();
    door.stop();
    assert.equal(gpio.level(LOCK), 0);
  });
});
