import { z } from 'zod';
import { isValidLocalDate } from './time';

/**
 * The field rules every side applies: text limits, dates, instants and coordinates. The phone's
 * form shows these limits while the officer types, its lock step parses the record with the
 * schemas built from them, and the server's ingest parses with the very same schemas, so a record
 * the phone locks is never refused by the server for its content.
 */

/** Maximum lengths, in UTF-16 code units of the trimmed text (what `string.length` counts). */
export const LIMITS = {
  facts: 4000,
  address: 200,
  amendmentNote: 1000,
  discretionReason: 1000,
  noFaultEvidence: 1000,
  educationContent: 2000,
  lawExplained: 1000,
  partyStatement: 2000,
  reinspectionNote: 1000,
  evidenceNote: 200,
  personName: 50,
  businessName: 100,
  partyDescription: 500,
  identifier: 30,
  plate: 20,
  signerName: 50,
  refusalReason: 300,
  witnessName: 50,
  witnessRole: 50,
  absentReason: 300,
  officerName: 50,
  documentNumber: 60,
} as const;
export type LimitKey = keyof typeof LIMITS;

/** From this share of a limit on, the form shows a counter next to the field. */
export const COUNTER_FROM = 0.8;

/** Length as the schemas measure it: the trimmed text in UTF-16 code units. */
export function textLength(value: string): number {
  return value.trim().length;
}

/** What the form shows for a field with a limit: null while far below it. */
export function limitCounter(
  value: string,
  key: LimitKey,
): { length: number; max: number; over: boolean } | null {
  const max = LIMITS[key];
  const length = textLength(value);
  if (length < max * COUNTER_FROM) return null;
  return { length, max, over: length > max };
}

/**
 * Characters refused in every text: C0 and C1 controls (NUL breaks PostgreSQL text), unpaired
 * surrogates (not valid UTF-8), and the bidirectional overrides and isolates that make a name
 * read differently from what it is.
 */
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF]|[\uD800-\uDFFF]/u;
/** Single-line fields (names, numbers, addresses) refuse line breaks and tabs as well. */
const LINE_BREAKS = /[\t\n\r\u2028\u2029]/;

export function hasForbiddenCharacters(value: string, singleLine: boolean): boolean {
  return FORBIDDEN.test(value) || (singleLine && LINE_BREAKS.test(value));
}

const clean = (singleLine: boolean) => (value: string) =>
  !hasForbiddenCharacters(value, singleLine);
const CONTROL = { message: '含有不可见的控制字符', params: { code: 'controlChars' } };

/** A required single-line text (names, addresses, numbers). */
export function line(max: number) {
  return z.string().trim().min(1).max(max).refine(clean(true), CONTROL);
}

/** An optional single-line text: absent or, once trimmed, at most `max`. */
export function optionalLine(max: number) {
  return z.string().trim().max(max).refine(clean(true), CONTROL).optional();
}

/** A required multi-line text (facts, education). */
export function text(max: number) {
  return z.string().trim().min(1).max(max).refine(clean(false), CONTROL);
}

/** A multi-line text that may be empty (the party's statement). */
export function freeText(max: number) {
  return z.string().trim().max(max).refine(clean(false), CONTROL);
}

/** The dates this product handles: 2000-01-01 to 2100-12-31. */
const DATE_MIN = '2000-01-01';
const DATE_MAX = '2100-12-31';

/** A real calendar date `YYYY-MM-DD` (Asia/Shanghai); 2026-02-31 is refused. */
export const localDateSchema = z
  .string()
  .refine((v) => isValidLocalDate(v) && v >= DATE_MIN && v <= DATE_MAX, {
    message: '日期无效（应为 YYYY-MM-DD 的真实日期）',
    params: { code: 'invalidDate' },
  });

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 instant with an offset, between 2020 and 2100 (records and evidence). */
export const instantSchema = z
  .string()
  .max(40)
  .refine(
    (v) => {
      if (!INSTANT.test(v)) return false;
      const t = Date.parse(v);
      // Date.parse rolls 2026-02-31 over to March: the calendar date must be real too.
      return (
        Number.isFinite(t) &&
        isValidLocalDate(v.slice(0, 10)) &&
        t >= Date.UTC(2020, 0, 1) &&
        t < Date.UTC(2100, 0, 1)
      );
    },
    {
      message: '时间无效（应为 2020 至 2100 年之间带时区的 ISO 8601 时间）',
      params: { code: 'invalidInstant' },
    },
  );

export const latitudeSchema = z.number().min(-90).max(90);
export const longitudeSchema = z.number().min(-180).max(180);
export const accuracySchema = z.number().min(0).max(100_000);
