import type { LabelSet } from '$lib/domain/labels';
import { labelText, type Locale } from './index';
import { consoleEn } from './console-en';
export { dateDisplay } from './index';

/** An unknown key (a map lookup that found nothing) shows as a dash rather than "undefined". */
export type Phrasebook = (
  zh: string | undefined,
  params?: Record<string, string | number>,
) => string;

/**
 * The console's catalog, keyed by the Chinese source text (gettext style): Chinese is the
 * product's first language and the key itself; English comes from console-en.ts. Parameters are
 * written `{name}` in both languages, so a translation may reorder them. A test checks that
 * every string the console pages pass to L() has its English entry, and that no Chinese text is
 * left outside L().
 */
export function phrasebook(locale: Locale): Phrasebook {
  const table: Record<string, string> = locale === 'en' ? consoleEn : {};
  return (zh, params) => {
    if (zh === undefined) return '—';
    const text = table[zh] ?? zh;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
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
