/**
 * Calendar arithmetic in Asia/Shanghai. China has used a fixed UTC+8 offset without daylight
 * saving since 1991, so a constant offset is exact for every date this product handles and keeps
 * the core free of an Intl/timezone-database dependency (identical on every runtime).
 */

export const SHANGHAI_OFFSET_MINUTES = 8 * 60;
const OFFSET_MS = SHANGHAI_OFFSET_MINUTES * 60_000;

/** A calendar date `YYYY-MM-DD` in Asia/Shanghai. */
export type LocalDate = string;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function isValidLocalDate(value: string): value is LocalDate {
  const m = LOCAL_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parts(date: LocalDate): [number, number, number] {
  const m = LOCAL_DATE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The Shanghai calendar date of an instant. */
export function shanghaiDate(instant: Date | string | number): LocalDate {
  const ms = new Date(instant).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  const d = new Date(ms + OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `YYYY-MM-DDTHH:mm:ss+08:00` for an instant: how times are shown and stored in records. */
export function shanghaiIso(instant: Date | string | number): string {
  const ms = new Date(instant).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  const d = new Date(ms + OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+08:00`
  );
}

/** Human format used on screens and documents: `2026年11月27日`. */
export function chineseDate(date: LocalDate): string {
  const [y, m, d] = parts(date);
  return `${y}年${m}月${d}日`;
}

/** Human format with time: `2026年11月27日 09时05分`. */
export function chineseDateTime(instant: Date | string | number): string {
  const iso = shanghaiIso(instant);
  const date = iso.slice(0, 10);
  return `${chineseDate(date)} ${iso.slice(11, 13)}时${iso.slice(14, 16)}分`;
}

export function shanghaiYear(instant: Date | string | number): number {
  return Number(shanghaiDate(instant).slice(0, 4));
}

/** The instant at which a Shanghai calendar date begins. */
export function startOfLocalDay(date: LocalDate): Date {
  const [y, m, d] = parts(date);
  return new Date(Date.UTC(y, m - 1, d) - OFFSET_MS);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = parts(date);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/**
 * Calendar months, clamping to the end of a shorter month: 2026-03-31 minus one month is
 * 2026-02-28, never 2026-03-03.
 */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const ny = Math.floor(index / 12);
  const nm = (index % 12) + 1;
  const nd = Math.min(d, daysInMonth(ny, nm));
  return `${ny}-${pad(nm)}-${pad(nd)}`;
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  const [ay, am, ad] = parts(a);
  const [by, bm, bd] = parts(b);
  return Math.round((Date.UTC(by, bm - 1, bd) - Date.UTC(ay, am - 1, ad)) / 86_400_000);
}

/** `YYYY-MM` month key of a Shanghai date (`YYYY-MM-DD`) or an instant. */
export function monthKey(value: Date | string): string {
  const date = typeof value === 'string' && LOCAL_DATE.test(value) ? value : shanghaiDate(value);
  return date.slice(0, 7);
}

/** The current instant as ISO-8601 UTC (for timestamps that are not shown to people). */
export function nowIso(): string {
  return new Date().toISOString();
}
