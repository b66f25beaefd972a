/**
 * CSV for exports (docs/product-rules.md#reports-and-exports): RFC 4180 quoting, CRLF line ends and a
 * UTF-8 byte-order mark so spreadsheet programs read Chinese text correctly.
 */
export type CsvCell = string | number | boolean | null | undefined;

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A leading = + - @ makes spreadsheets evaluate the cell; prefix it so a name cannot run a formula.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** Formatters by time zone: building one costs as much as formatting a few hundred dates. */
const siteTimeFormats = new Map<string, Intl.DateTimeFormat>();

function siteTimeFormat(timeZone: string): Intl.DateTimeFormat {
  let format = siteTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    siteTimeFormats.set(timeZone, format);
  }
  return format;
}

/** `YYYY-MM-DD HH:mm:ss` in the site's time zone; empty for null. */
/** The largest epoch millisecond a JavaScript Date holds (±100,000,000 days). */
const MAX_DATE_MS = 8.64e15;

export function formatSiteTime(ms: number | null, timeZone: string): string {
  if (ms === null) return '';
  // Rows stored before device times were checked can hold anything; an export must still finish.
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) return `invalid time (${ms} ms)`;
  const parts: Record<string, string> = {};
  for (const part of siteTimeFormat(timeZone).formatToParts(ms)) parts[part.type] = part.value;
  return `${parts.year ?? '0000'}-${parts.month ?? '00'}-${parts.day ?? '00'} ${parts.hour ?? '00'}:${parts.minute ?? '00'}:${parts.second ?? '00'}`;
}
