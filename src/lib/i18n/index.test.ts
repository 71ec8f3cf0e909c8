import { beforeAll, describe, expect, it } from 'vitest';
import {
  dateDisplay,
  fill,
  loadLocale,
  MessageError,
  messageText,
  translate,
  type Message,
} from './index';
import { storedMessageSchema } from './stored';

// English is loaded on first use (the app's first load carries Chinese only).
beforeAll(() => loadLocale('en'));
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

  it.each([
    [1, 'deadline at most 1 day'],
    [3, 'deadline at most 3 days'],
    [0, 'deadline at most 0 days'],
  ])('puts an English word in its number: %s', (days, text) => {
    expect(translate('en', 'item.maxDays', { days })).toBe(text);
  });

  it('leaves a plural placeholder without its number visible', () => {
    expect(fill('{n:photo|photos}', {})).toBe('{n:photo|photos}');
    expect(fill('{n:photo|photos} of {m}', { n: 1, m: 2 })).toBe('1 photo of 2');
  });
});

describe('kept messages', () => {
  const network: Message = { key: 'err.network' };
  const http: Message = { key: 'err.http', params: { status: 502 } };
  const server: Message = { code: 'conflict', text: '该版本已有不同内容' };

  it('are worded in the language asked for when shown', () => {
    expect(messageText('zh-CN', network)).toBe(translate('zh-CN', 'err.network'));
    expect(messageText('en', network)).toBe(translate('en', 'err.network'));
    expect(messageText('en', network)).not.toBe(messageText('zh-CN', network));
    expect(messageText('en', http)).toContain('502');
    // The server's words are its own (Chinese), in either language.
    expect(messageText('en', server)).toBe('该版本已有不同内容');
  });

  it.each([
    ['a key', network, network],
    ['a key with parameters', http, http],
    ["the server's words", server, server],
    ['a plain string stored by an older version', '网络不可用', { code: '', text: '网络不可用' }],
  ])('read back from storage: %s', (_, stored, expected) => {
    expect(storedMessageSchema.parse(stored)).toEqual(expected);
  });

  it.each([
    ['an unknown key', { key: 'err.nothing' }],
    ['a parameter that is not text or a number', { key: 'err.http', params: { status: {} } }],
    ['a number', 42],
  ])('refused when read back: %s', (_, stored) => {
    expect(storedMessageSchema.safeParse(stored).success).toBe(false);
  });

  it('an error carrying one says it in Chinese in its own message (for logs)', () => {
    const e = new MessageError(http);
    expect(e.message).toBe(translate('zh-CN', 'err.http', { status: 502 }));
    expect(e.said).toBe(http);
  });
});
