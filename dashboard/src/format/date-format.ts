import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Dates follow the interface language. English uses en-GB conventions (day month year,
 * 24-hour clock): a security desk reads times, and a 24-hour clock has no AM/PM slips.
 */
function intlLocale(language: string): string {
  return language === 'en' ? 'en-GB' : 'zh-CN';
}

export interface DateFormatters {
  /** Date and time to the second. */
  dateTime(ms: number): string;
  /** Time only today, date and time on other days. */
  compact(ms: number, now?: number): string;
  date(ms: number): string;
  /** "12 seconds ago", "3 分钟前". */
  relative(ms: number, now: number): string;
}

function createFormatters(language: string): DateFormatters {
  const locale = intlLocale(language);
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium', hourCycle: 'h23' });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'medium', hourCycle: 'h23' });
  const shortDateTime = new Intl.DateTimeFormat(locale, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });

  const sameDay = (a: number, b: number) => new Date(a).toDateString() === new Date(b).toDateString();

  return {
    dateTime: (ms) => dateTime.format(ms),
    compact: (ms, now = Date.now()) => (sameDay(ms, now) ? time.format(ms) : shortDateTime.format(ms)),
    date: (ms) => date.format(ms),
    relative: (ms, now) => {
      const seconds = Math.round((ms - now) / 1000);
      const abs = Math.abs(seconds);
      if (abs < 60) return relative.format(seconds, 'second');
      if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
      if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
      return relative.format(Math.round(seconds / 86_400), 'day');
    },
  };
}

export function useDateFormatters(): DateFormatters {
  const { i18n } = useTranslation();
  return useMemo(() => createFormatters(i18n.language), [i18n.language]);
}

/** The current time, refreshed every `intervalMs`, for "x ago" labels. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
