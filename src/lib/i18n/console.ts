import type { LabelSet } from '$lib/domain/labels';
import { consoleEn } from './console-en';
import { consoleZh } from './console-zh';
import { fill, isMessageKey, labelText, translate, type Locale, type Params } from './index';
export { dateDisplay } from './index';

export type ConsoleKey = keyof typeof consoleZh;

const catalogs: Record<Locale, Record<ConsoleKey, string>> = { 'zh-CN': consoleZh, en: consoleEn };

export function isConsoleKey(key: string): key is ConsoleKey {
  return key in consoleZh;
}

/**
 * What server services say to the console, in Chinese (the API's language), matched back to
 * their `console.server.*` entries by sentence so the console can show them in English too.
 */
const serverWords = new Map<string, ConsoleKey>(
  Object.entries(consoleZh).flatMap(([key, zh]) =>
    key.startsWith('console.server.') && isConsoleKey(key) ? [[zh, key] as const] : [],
  ),
);

/** An unknown key (a map lookup that found nothing) shows as a dash rather than "undefined". */
export type Phrasebook = (key: string | undefined, params?: Params) => string;

/**
 * The console's words in a language: a key of its own catalog (console-zh.ts, console-en.ts),
 * or of the phone's (shared words and labels), with `{name}` parameters filled the same way.
 * A form's error may carry a server service's Chinese sentence instead of a key: it is shown in
 * English where the catalog has that sentence, and as said otherwise. console.test.ts checks
 * that every key the pages name exists and that no Chinese is written in a page.
 */
export function phrasebook(locale: Locale): Phrasebook {
  return (key, params) => {
    if (key === undefined) return '—';
    const own = isConsoleKey(key) ? key : serverWords.get(key);
    if (own) return fill(catalogs[locale][own], params);
    if (isMessageKey(key)) return translate(locale, key, params);
    return fill(key, params);
  };
}

/** The `{name}` values a form action returned beside its `error` message, if any. */
export function errorParams(form: object): Record<string, string | number> | undefined {
  const p = (form as { params?: unknown }).params;
  return p !== null && typeof p === 'object' ? (p as Record<string, string | number>) : undefined;
}

/** Labels of the domain's codes (`label('branch', 'mild')`) from the one keyed catalog. */
export function labeller(locale: Locale): (set: LabelSet, code: string) => string {
  return (set, code) => labelText(locale, set, code);
}

/** Words in brackets, as each language writes them: `（x）` in Chinese, ` (x)` in English. */
export function bracketer(locale: Locale): (x: string | number) => string {
  return (x) => (locale === 'en' ? ` (${x})` : `（${x}）`);
}
