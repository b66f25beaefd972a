import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Level } from '@acs/shared/hardware/interfaces';
import { silentLogger } from '../log/logger.js';
import { tempDir } from '../test-support/fixtures.js';
import { findGpioBase, OnoffGpioProvider, type OnoffGpio } from './onoff-gpio.js';

async function fakeSysfs(chips: { name: string; label: string; base: number; ngpio?: number }[]) {
  const dir = await tempDir('acs-sysfs-');
  for (const chip of chips) {
    await mkdir(join(dir.path, chip.name));
    await writeFile(join(dir.path, chip.name, 'label'), `${chip.label}\n`);
    await writeFile(join(dir.path, chip.name, 'base'), `${chip.base}\n`);
    await writeFile(join(dir.path, chip.name, 'ngpio'), `${chip.ngpio ?? 54}\n`);
  }
  await writeFile(join(dir.path, 'export'), '');
  return dir;
}

describe('GPIO base offset from sysfs', () => {
  test('finds base 512 on a Raspberry Pi 4 with kernel 6.6', async () => {
    const dir = await fakeSysfs([
      { name: 'gpiochip512', label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
      { name: 'gpiochip570', label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
    ]);
    onTestFinished(() => dir.remove());
    assert.equal(findGpioBase(dir.path).base, 512);
  });

  test('finds base 571 on a Raspberry Pi 5 (RP1), ignoring the SoC chip', async () => {
    const dir = await fakeSysfs([
      { name: 'gpiochip512', label: 'gpio-brcmstb@107d508500', base: 512, ngpio: 32 },
      { name: 'gpiochip544', label: 'gpio-brcmstb@107d508520', base: 544, ngpio: 27 },
      { name: 'gpiochip571', label: 'pinctrl-rp1', base: 571, ngpio: 54 },
    ]);
    onTestFinished(() => dir.remove());
    assert.equal(findGpioBase(dir.path).base, 571);
  });

  test('finds base 0 on an older kernel', async () => {
    const dir = await fakeSysfs([{ name: 'gpiochip0', label: 'pinctrl-bcm2835', base: 0 }]);
    onTestFinished(() => dir.remove());
    assert.equal(findGpioBase(dir.path).base, 0);
  });

  test('uses a configured chip label', async () => {
    const dir = await fakeSysfs([
      { name: 'gpiochip0', label: 'pinctrl-bcm2835', base: 0 },
      { name: 'gpiochip100', label: 'my-expander', base: 100 },
    ]);
    onTestFinished(() => dir.remove());
    assert.equal(findGpioBase(dir.path, 'my-expander').base, 100);
  });

  test('explains which chips it found when none is a known header chip', async () => {
    const dir = await fakeSysfs([{ name: 'gpiochip0', label: 'some-soc', base: 0 }]);
    onTestFinished(() => dir.remove());
    assert.throws(() => findGpioBase(dir.path), /gpiochip0 'some-soc' base 0[\s\S]*gpio\.chipLabel/);
  });

  test('explains a missing sysfs folder', () => {
    assert.throws(() => findGpioBase('/nonexistent/gpio'), /cannot list \/nonexistent\/gpio/);
  });
});

class FakeGpio implements OnoffGpio {
  static created: FakeGpio[] = [];
  value: Level;
  watcher: ((err: Error | null | undefined, value: Level) => void) | null = null;
  unexported = false;
  constructor(
    readonly gpio: number,
    readonly direction: string,
    readonly edge?: string,
    readonly options?: { debounceTimeout?: number },
  ) {
    this.value = direction === 'high' ? 1 : 0;
    FakeGpio.created.push(this);
  }
  readSync(): Level {
    return this.value;
  }
  writeSync(value: Level): void {
    this.value = value;
  }
  watch(callback: (err: Error | null | undefined, value: Level) => void): void {
    this.watcher = callback;
  }
  unwatchAll(): void {
    this.watcher = null;
  }
  unexport(): void {
    this.unexported = true;
  }
}

describe('onoff GPIO provider', () => {
  test('offsets BCM numbers by the base and sets outputs with their initial level in one step', () => {
    FakeGpio.created = [];
    const provider = new OnoffGpioProvider(FakeGpio, 512, silentLogger);
    const lock = provider.output(17, 1);
    assert.equal(FakeGpio.created[0]!.gpio, 529);
    assert.equal(FakeGpio.created[0]!.direction, 'high');
    lock.write(0);
    assert.equal(FakeGpio.created[0]!.value, 0);
    assert.equal(lock.read(), 0);
  });

  test('watches inputs on both edges with onoff debounce and reports levels', () => {
    FakeGpio.created = [];
    const provider = new OnoffGpioProvider(FakeGpio, 571, silentLogger);
    const contact = provider.input(27, { debounceMs: 50 });
    const fake = FakeGpio.created[0]!;
    assert.deepEqual([fake.gpio, fake.direction, fake.edge, fake.options], [598, 'in', 'both', { debounceTimeout: 50 }]);
    const seen: Level[] = [];
    contact.watch((level) => seen.push(level));
    fake.watcher!(null, 1);
    fake.watcher!(new Error('EIO'), 0);
    assert.deepEqual(seen, [1]);
  });

  test('asks onoff for rising edges only, without debounce, when a Wiegand line wants them', () => {
    FakeGpio.created = [];
    const provider = new OnoffGpioProvider(FakeGpio, 512, silentLogger);
    provider.input(5, { debounceMs: 0, edge: 'rising' });
    const fake = FakeGpio.created[0]!;
    assert.deepEqual([fake.gpio, fake.direction, fake.edge, fake.options], [517, 'in', 'rising', {}]);
  });

  test('unexports inputs on close but leaves outputs driving their last level', async () => {
    FakeGpio.created = [];
    const provider = new OnoffGpioProvider(FakeGpio, 0, silentLogger);
    provider.output(17, 0);
    provider.input(27, { debounceMs: 0 });
    await provider.close();
    assert.deepEqual(
      FakeGpio.created.map((g) => g.unexported),
      [false, true],
    );
  });
});
