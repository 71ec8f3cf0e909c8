import type { LocalDate } from '$lib/domain/time';
import {
  dateDisplay,
  issueText,
  loadLocale,
  messageText,
  messageOf,
  translate,
  type Message,
  type IssueLike,
  type Locale,
  type MessageKey,
  type Params,
} from './index';

/** The UI language as reactive state: components call `i18n.t(key)` and re-render on a switch. */
class I18n {
  locale = $state<Locale>('zh-CN');

  t = (key: MessageKey, params?: Params): string => translate(this.locale, key, params);

  /** Punctuation that differs between the languages: `：` / `: `. */
  get colon(): string {
    return this.locale === 'en' ? ': ' : '：';
  }

  /** A parenthetical: `（x）` / ` (x)`. */
  paren = (x: string | number): string => (this.locale === 'en' ? ` (${x})` : `（${x}）`);

  /** Joins a list: `甲、乙` / `A, B`. */
  list = (items: readonly string[]): string => items.join(this.locale === 'en' ? ', ' : '、');

  /** Joins clauses: `甲；乙` / `A; B`. */
  clauses = (items: readonly string[]): string => items.join(this.locale === 'en' ? '; ' : '；');

  /** Shanghai calendar date, `2026年11月27日` or `2026-11-27`. */
  date = (d: LocalDate): string => dateDisplay(this.locale).date(d);

  /** Shanghai date and time to the minute, `2026年11月27日 09时05分` or `2026-11-27 09:05`. */
  dateTime = (instant: Date | string | number): string =>
    dateDisplay(this.locale).dateTime(instant);

  /** A kept message (see `Message`) in the current language. */
  say = (m: Message): string => messageText(this.locale, m);

  /** What a caught error says: its kept message if it has one, else its own text. */
  error = (e: unknown): string => this.say(messageOf(e));

  /** An issue of a record in the current language (see `issueText`). */
  issue = (x: IssueLike): string => issueText(this.locale, x);

  /** Switches to the other language, once its messages are loaded (English, on first use). */
  async toggle(): Promise<Locale> {
    const next: Locale = this.locale === 'zh-CN' ? 'en' : 'zh-CN';
    await loadLocale(next);
    this.locale = next;
    if (typeof document !== 'undefined') document.documentElement.lang = this.locale;
    return this.locale;
  }
}

export const i18n = new I18n();
