import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialWork } from './serial-work.js';

function recorder() {
  const errors: string[] = [];
  return { errors, logger: { error: (message: string) => void errors.push(message) } };
}

describe('SerialWork', () => {
  test('jobs run one after another in the order queued, even when an earlier one is slower', async () => {
    const { logger } = recorder();
    const work = new SerialWork(logger, 'test');
    const order: string[] = [];
    void work.run(async () => {
      order.push('a start');
      await sleep(30);
      order.push('a end');
    });
    await work.run(async () => void order.push('b'));
    assert.deepEqual(order, ['a start', 'a end', 'b']);
  });

  test('a failing job is logged with its name and the next job still runs', async () => {
    const { logger, errors } = recorder();
    const work = new SerialWork(logger, 'retention run');
    void work.run(async () => {
      throw new Error('disk full');
    });
    let ran = false;
    await work.run(async () => void (ran = true));
    assert.equal(ran, true);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^retention run failed: Error: disk full/);
  });

  test('stop waits for the job under way, then refuses new work and ends the timer', async () => {
    const { logger } = recorder();
    const work = new SerialWork(logger, 'test');
    let ticks = 0;
    work.every(5, async () => void ticks++);
    await sleep(40);
    assert.ok(ticks >= 2, `the timer ran the job (${ticks} times)`);
    let finished = false;
    void work.run(async () => {
      await sleep(20);
      finished = true;
    });
    await work.stop();
    assert.equal(finished, true, 'stop waited for it');
    const after = ticks;
    let refused = true;
    await work.run(async () => void (refused = false));
    await sleep(30);
    assert.equal(refused, true, 'no new work after stop');
    assert.equal(ticks, after, 'no more ticks after stop');
  });
});
