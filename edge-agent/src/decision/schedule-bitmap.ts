/**
 * A schedule compiled to one bit per minute of the week (7 × 1440 bits, 1.3 KB), so
 * "is this minute inside the schedule" is one array read whatever the number of
 * windows.
 */
import type { Schedule } from '@acs/shared/mqtt/payloads';

export const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

export interface CompiledSchedule {
  readonly id: string;
  /** True when site holidays close this schedule (`holidays: closed`). */
  readonly closedOnHolidays: boolean;
  /** Whether ISO `weekday` (1-7) at local `minuteOfDay` is inside a window. */
  allows(weekday: number, minuteOfDay: number): boolean;
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/**
 * Windows are [start, end) in local time. An end before the start runs past midnight
 * into the next day (Sunday wraps to Monday). An end equal to the start is an empty
 * window; a whole day is `00:00`-`24:00`.
 */
export function compileSchedule(schedule: Schedule): CompiledSchedule {
  const bits = new Uint32Array(Math.ceil(MINUTES_PER_WEEK / 32));
  const setRange = (from: number, to: number) => {
    for (let m = from; m < to; m++) bits[m >>> 5]! |= 1 << (m & 31);
  };
  for (const window of schedule.windows) {
    const start = toMinutes(window.start);
    const end = toMinutes(window.end);
    for (const day of new Set(window.days)) {
      const dayStart = (day - 1) * MINUTES_PER_DAY;
      if (start < end) {
        setRange(dayStart + start, dayStart + end);
      } else if (start > end) {
        setRange(dayStart + start, dayStart + MINUTES_PER_DAY);
        const next = (day % 7) * MINUTES_PER_DAY;
        setRange(next, next + end);
      }
    }
  }
  return {
    id: schedule.id,
    closedOnHolidays: schedule.holidays === 'closed',
    allows(weekday: number, minuteOfDay: number): boolean {
      const m = (weekday - 1) * MINUTES_PER_DAY + minuteOfDay;
      return (bits[m >>> 5]! & (1 << (m & 31))) !== 0;
    },
  };
}
