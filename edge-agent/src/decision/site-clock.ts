/**
 * Local time at the site (weekday, minute of day, calendar date) in its IANA time zone,
 * daylight saving included. Every time zone in use today changes offset on a whole
 * minute, so the answer is cached per UTC minute: Intl is consulted about once a minute
 * however many badges arrive.
 */
export interface SiteTime {
  /** ISO weekday: 1 = Monday ... 7 = Sunday. */
  weekday: number;
  /** 0 ... 1439. */
  minuteOfDay: number;
  /** `YYYY-MM-DD`, the local date (what holidays are listed by). */
  date: string;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const MINUTE_MS = 60_000;

export class SiteClock {
  private readonly format: Intl.DateTimeFormat;
  private cachedMinute = Number.NaN;
  private cached: SiteTime = { weekday: 1, minuteOfDay: 0, date: '' };

  /** Throws `RangeError` for a time zone the runtime does not know. */
  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
  }

  at(epochMs: number): SiteTime {
    const minute = Math.floor(epochMs / MINUTE_MS);
    if (minute !== this.cachedMinute) {
      this.cached = this.compute(minute * MINUTE_MS);
      this.cachedMinute = minute;
    }
    return this.cached;
  }

  private compute(epochMs: number): SiteTime {
    const parts: Record<string, string> = {};
    for (const part of this.format.formatToParts(epochMs)) parts[part.type] = part.value;
    const weekday = WEEKDAYS[parts.weekday!];
    if (weekday === undefined) throw new Error(`unexpected weekday '${parts.weekday}' from Intl`);
    return {
      weekday,
      minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
      date: `${parts.year}-${parts.month}-${parts.day}`,
    };
  }
}
