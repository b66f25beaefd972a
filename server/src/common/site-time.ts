/**
 * Wall-clock times of the site's time zone, for rules a person states in local time
 * ("sign everyone out at 23:00"). Intl knows the zones; this only converts.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(timeZone: string, at: number): { y: number; m: number; d: number; hh: number; mm: number; ss: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, Number(x.value)]));
  return { y: p.year!, m: p.month!, d: p.day!, hh: p.hour!, mm: p.minute!, ss: p.second! };
}

/** Offset of the zone at that instant, ms (UTC+8 → 28,800,000). */
function offsetAt(timeZone: string, at: number): number {
  const p = parts(timeZone, at);
  return Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm, p.ss) - Math.floor(at / 1000) * 1000;
}

/** The instant a local date and time names (the later one in a DST fold). */
export function localToEpoch(timeZone: string, y: number, m: number, d: number, hh: number, mm: number): number {
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let guess = wall - offsetAt(timeZone, wall);
  guess = wall - offsetAt(timeZone, guess);
  return guess;
}

/** The first `HH:MM` (site time) at or after `at`. */
export function nextLocalTime(timeZone: string, at: number, hhmm: string): number {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  const p = parts(timeZone, at);
  const sameDay = localToEpoch(timeZone, p.y, p.m, p.d, hh, mm);
  if (sameDay >= at) return sameDay;
  const next = new Date(Date.UTC(p.y, p.m - 1, p.d + 1));
  return localToEpoch(timeZone, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), hh, mm);
}

/** Midnight (site time) starting the day of `at`. */
export function startOfLocalDay(timeZone: string, at: number): number {
  const p = parts(timeZone, at);
  return localToEpoch(timeZone, p.y, p.m, p.d, 0, 0);
}
