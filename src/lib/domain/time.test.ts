import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  chineseDate,
  chineseDateTime,
  daysBetween,
  isValidLocalDate,
  shanghaiDate,
  shanghaiIso,
  startOfLocalDay,
} from './time';

describe('shanghaiDate', () => {
  it.each([
    ['2026-11-27T15:59:59Z', '2026-11-27'],
    ['2026-11-27T16:00:00Z', '2026-11-28'],
    ['2026-12-31T16:00:00Z', '2027-01-01'],
    ['2026-11-27T00:30:00+08:00', '2026-11-27'],
  ])('%s is %s in Shanghai', (instant, date) => {
    expect(shanghaiDate(instant)).toBe(date);
  });

  it('rejects a non-date', () => {
    expect(() => shanghaiDate('yesterday')).toThrow(RangeError);
  });
});

describe('shanghaiIso and Chinese formats', () => {
  it('formats with the +08:00 offset', () => {
    expect(shanghaiIso('2026-11-27T01:02:03Z')).toBe('2026-11-27T09:02:03+08:00');
    expect(chineseDate('2026-01-05')).toBe('2026年1月5日');
    expect(chineseDateTime('2026-11-27T01:02:03Z')).toBe('2026年11月27日 09时02分');
  });
  it('starts a local day at 16:00 UTC the day before', () => {
    expect(startOfLocalDay('2026-11-27').toISOString()).toBe('2026-11-26T16:00:00.000Z');
  });
});

describe('calendar arithmetic', () => {
  it.each([
    ['2026-03-31', -1, '2026-02-28'],
    ['2024-03-31', -1, '2024-02-29'],
    ['2026-11-27', -12, '2025-11-27'],
    ['2026-01-15', -1, '2025-12-15'],
    ['2026-12-31', 2, '2027-02-28'],
    ['2026-11-27', -24, '2024-11-27'],
  ])('addMonths(%s, %i) = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it.each([
    ['2026-11-27', 1, '2026-11-28'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
  ])('addDays(%s, %i) = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it('counts days between dates', () => {
    expect(daysBetween('2026-11-27', '2026-12-04')).toBe(7);
    expect(daysBetween('2026-11-27', '2026-11-26')).toBe(-1);
  });

  it.each([
    ['2026-02-29', false],
    ['2024-02-29', true],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['2026-04-31', false],
    ['2026-04-30', true],
  ])('isValidLocalDate(%s) = %s', (value, ok) => {
    expect(isValidLocalDate(value)).toBe(ok);
  });
});
