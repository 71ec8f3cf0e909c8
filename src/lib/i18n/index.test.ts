import { describe, expect, it } from 'vitest';
import { dateDisplay, translate } from './index';

describe('dateDisplay', () => {
  // 16:30 UTC is already the next day in Shanghai (UTC+8, no daylight saving).
  const cases = [
    { locale: 'zh-CN', instant: '2026-11-27T16:30:00Z', dateTime: '2026年11月28日 00时30分' },
    { locale: 'en', instant: '2026-11-27T16:30:00Z', dateTime: '2026-11-28 00:30' },
    { locale: 'en', instant: '2026-12-31T15:59:00Z', dateTime: '2026-12-31 23:59' },
    { locale: 'en', instant: '2026-12-31T16:00:00Z', dateTime: '2027-01-01 00:00' },
  ] as const;
  it.each(cases)('$locale $instant -> $dateTime', ({ locale, instant, dateTime }) => {
    expect(dateDisplay(locale).dateTime(instant)).toBe(dateTime);
    expect(dateDisplay(locale).dateTime(new Date(instant))).toBe(dateTime);
  });
  it('shows a calendar date as written in each language', () => {
    expect(dateDisplay('zh-CN').date('2026-03-05')).toBe('2026年3月5日');
    expect(dateDisplay('en').date('2026-03-05')).toBe('2026-03-05');
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'home.dueOn', { date: '2026-12-01' })).not.toContain('{date}');
    expect(translate('en', 'home.dueOn')).toContain('{date}');
  });
});
