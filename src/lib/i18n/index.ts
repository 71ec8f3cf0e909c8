import { fieldKey } from '$lib/domain/issues';
import { labelOf, type LabelSet } from '$lib/domain/labels';
import { chineseDate, chineseDateTime, shanghaiIso, type LocalDate } from '$lib/domain/time';
import { zhCN, type MessageKey } from './zh-CN';

export type { MessageKey };
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * Chinese is always there (the default, and what a missing English message falls back to); the
 * English catalog is loaded when first wanted (`loadLocale`), so a phone in Chinese never
 * downloads it: about 12 KB of the officer app's first load. The server loads it at start.
 */
const catalogs: Record<Locale, Record<MessageKey, string> | null> = { 'zh-CN': zhCN, en: null };

/** Makes a language's messages available; resolves at once when they already are. */
export async function loadLocale(locale: Locale): Promise<void> {
  if (locale === 'en' && !catalogs.en) catalogs.en = (await import('./en')).en;
}

export type Params = Record<string, string | number>;

/** Fills `{name}` placeholders; unknown placeholders stay visible. */
export function fill(template: string, params: Params = {}): string {
  return template
    .replace(/\{(\w+):([^|{}]*)\|([^{}]*)\}/g, (m, name: string, one: string, many: string) =>
      name in params ? `${String(params[name])} ${Number(params[name]) === 1 ? one : many}` : m,
    )
    .replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/**
 * Looks a message up and fills `{name}` placeholders, and `{name:one|many}` with the number and
 * the word in its number (English plurals); unknown placeholders stay visible.
 */
export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  return fill(catalogs[locale]?.[key] ?? zhCN[key], params);
}

export function isMessageKey(key: string): key is MessageKey {
  return key in zhCN;
}

/**
 * Date and date-time display, always in Asia/Shanghai: `2026年11月27日 09时05分` in Chinese,
 * `2026-11-27 09:05` in English.
 */
export function dateDisplay(locale: Locale): {
  date: (d: LocalDate) => string;
  dateTime: (instant: Date | string | number) => string;
} {
  if (locale !== 'en') return { date: chineseDate, dateTime: chineseDateTime };
  return {
    date: (d) => d,
    dateTime: (instant) => shanghaiIso(instant).slice(0, 16).replace('T', ' '),
  };
}

export type IssueLike = {
  path: readonly (string | number)[];
  code?: string | undefined;
  params?: Params | undefined;
  message: string;
};

/**
 * An issue of a record (the phone's own check, the server's answer, a reviewer's refused
 * decision) in a language, naming its field; its Chinese message where the code is unknown.
 */
export function issueText(locale: Locale, x: IssueLike): string {
  const key = `issue.${x.code ?? ''}`;
  if (!isMessageKey(key)) return x.message;
  const field = `field.${fieldKey(x.path)}`;
  // An open question without the catalog's own words is named by its kind.
  const kind = `question.${String(x.params?.kind ?? '')}`;
  const question: Params =
    x.code === 'questionOpen' && !x.params?.question && isMessageKey(kind)
      ? { question: translate(locale, kind) }
      : {};
  return translate(locale, key, {
    ...x.params,
    ...question,
    field: isMessageKey(field) ? translate(locale, field) : '',
  });
}

/**
 * Words kept for later and put into a language only when shown: a catalog key with its
 * parameters, or what the server said (its own Chinese words, and its code). Errors carry one
 * and IndexedDB stores one, so a switch of language reaches a message already kept.
 */
export type Message = { key: MessageKey; params?: Params } | { code: string; text: string };

export function messageText(locale: Locale, m: Message): string {
  return 'key' in m ? translate(locale, m.key, m.params) : m.text;
}

/** What a caught error says, kept: its own Message, or its text as the words said. */
export function messageOf(e: unknown): Message {
  if (e instanceof MessageError) return e.said;
  return e instanceof Error
    ? { code: e.name, text: e.message }
    : { code: 'error', text: String(e) };
}

/** An error that says something to the officer: its `message` is the Chinese wording, for logs. */
export class MessageError extends Error {
  constructor(public readonly said: Message) {
    super(messageText('zh-CN', said));
    this.name = 'MessageError';
  }
}

/** A code's label in a language: the catalog's `set.code`, else its Chinese label, else the code. */
export function labelText(locale: Locale, set: LabelSet, code: string): string {
  const key = `${set}.${code}`;
  return isMessageKey(key) ? translate(locale, key) : labelOf(set, code);
}
