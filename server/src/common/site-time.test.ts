import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { localToEpoch, nextLocalTime, startOfLocalDay } from './site-time.js';

describe('site wall-clock times', () => {
  test('converts Shanghai local times (UTC+8, no DST)', () => {
    assert.equal(localToEpoch('Asia/Shanghai', 2026, 11, 25, 23, 0), Date.UTC(2026, 10, 25, 15, 0));
    assert.equal(startOfLocalDay('Asia/Shanghai', Date.UTC(2026, 10, 25, 17, 0)), Date.UTC(2026, 10, 25, 16, 0));
  });

  test('finds the next end of day, the same day or the day after', () => {
    const sixPm = localToEpoch('Asia/Shanghai', 2026, 11, 25, 18, 0);
    assert.equal(nextLocalTime('Asia/Shanghai', sixPm, '23:00'), localToEpoch('Asia/Shanghai', 2026, 11, 25, 23, 0));
    const halfPastEleven = localToEpoch('Asia/Shanghai', 2026, 11, 25, 23, 30);
    assert.equal(nextLocalTime('Asia/Shanghai', halfPastEleven, '23:00'), localToEpoch('Asia/Shanghai', 2026, 11, 26, 23, 0));
  });

  test('follows daylight saving time where there is one', () => {
    // Berlin: 2026-03-29 02:00 → 03:00; 23:00 that day is UTC+2.
    assert.equal(localToEpoch('Europe/Berlin', 2026, 3, 29, 23, 0), Date.UTC(2026, 2, 29, 21, 0));
    assert.equal(localToEpoch('Europe/Berlin', 2026, 3, 28, 23, 0), Date.UTC(2026, 2, 28, 22, 0));
  });
});
