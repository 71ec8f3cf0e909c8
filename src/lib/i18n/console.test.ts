import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleEn } from './console-en';
import { consoleZh } from './console-zh';
import { isConsoleKey, phrasebook } from './console';
import { LABELS } from '$lib/domain/labels';
import { isMessageKey, loadLocale, translate } from './index';

const ROOT = 'src/routes/(console)';
const HAN = /[\u4e00-\u9fff]/;
/** Chinese that is data, not interface text: the language toggle's own name, a number format. */
const NOT_UI = new Set(['中文', '{prefix}{word}〔{year}〕第{serial}号']);

// +server.ts files answer with downloads (file names stay Chinese), not interface text.
function files(dir: string, wanted = /\.svelte$|\+page\.server\.ts$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p, wanted);
    return wanted.test(name) ? [p] : [];
  });
}

const unescape = (s: string) =>
  s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));

/** Single-quoted literals and template literals, skipping comments. */
function literals(source: string): { quoted: string[]; templates: string[] } {
  const quoted: string[] = [];
  const templates: string[] = [];
  const code = source.replace(/<style[\s\S]*?<\/style>/g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(/'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)) {
    if (m[1] !== undefined) quoted.push(unescape(m[1]));
    else {
      // Quoted strings inside a template's ${…} are literals of their own.
      const body = m[2] ?? '';
      quoted.push(...literals(body).quoted);
      templates.push(body.replace(/'(?:[^'\\\n]|\\.)*'/g, "''"));
    }
  }
  return { quoted, templates };
}

/** The markup with every `{…}` expression, the script and the style removed. */
function markupText(source: string): string {
  const s = source
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  let out = '';
  let depth = 0;
  let quote = '';
  for (const ch of s) {
    if (depth > 0) {
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === "'" || ch === '`' || ch === '"') quote = ch;
      else if (ch === '{') depth++;
      else if (ch === '}') depth--;
      continue;
    }
    if (ch === '{') depth = 1;
    else out += ch;
  }
  return out;
}

const sources = files(ROOT).map((path) => ({ path, text: readFileSync(path, 'utf8') }));

// English is loaded on first use (the app's first load carries Chinese only).
beforeAll(() => loadLocale('en'));
describe('console phrasebook', () => {
  it('finds the console pages', () => {
    expect(sources.filter((s) => s.path.endsWith('.svelte')).length).toBeGreaterThanOrEqual(11);
  });

  it.each(sources.map((s) => [s.path, s.text]))(
    '%s: no Chinese written in the page, and every key it names exists',
    (path, text) => {
      const { quoted, templates } = literals(text);
      expect(
        quoted.filter((q) => HAN.test(q) && !NOT_UI.has(q)),
        `${path}: Chinese literals; put the words in console-zh.ts and name their key`,
      ).toEqual([]);
      expect(
        templates.filter((t) => HAN.test(t)),
        `${path}: Chinese in template literals; use a key with parameters`,
      ).toEqual([]);
      expect(
        quoted.filter((q) => /^console\.[\w.]+$/.test(q) && !isConsoleKey(q)),
        `${path}: keys missing from the console catalog`,
      ).toEqual([]);
      if (path.endsWith('.svelte')) {
        const bare = markupText(text)
          .split('\n')
          .filter((line) => HAN.test(line) || /[（），、：；。]/.test(line));
        expect(
          bare,
          `${path}: Chinese text or punctuation in markup, not passed through L() or paren()`,
        ).toEqual([]);
      }
    },
  );

  it('uses every entry of the console catalog (a page, or a server service by sentence)', () => {
    const pages = sources.map((s) => s.text).join('\n');
    const services = files('src/lib/server/services', /\.ts$/)
      .map((p) => readFileSync(p, 'utf8'))
      .join('\n');
    const unused = Object.entries(consoleZh).filter(([key, zh]) =>
      key.startsWith('console.server.')
        ? !services.includes(zh.split('{')[0] ?? zh)
        : !pages.includes(`'${key}'`),
    );
    expect(unused.map(([key]) => key)).toEqual([]);
  });

  it('has English for every label of the domain (one table, one keyed catalog)', () => {
    for (const [set, table] of Object.entries(LABELS)) {
      for (const [code, zh] of Object.entries(table)) {
        const key = `${set}.${code}`;
        expect(isMessageKey(key), key).toBe(true);
        if (!isMessageKey(key)) continue;
        expect(translate('zh-CN', key), key).toBe(zh);
        expect(translate('en', key), key).toMatch(/\S/);
        expect(HAN.test(translate('en', key)), key).toBe(false);
      }
    }
  });

  it('shows in English what server services say in Chinese, where the catalog has it', () => {
    const en = phrasebook('en');
    expect(en('全局')).toBe('Whole bureau');
    expect(en('用户名或执法证号已被使用')).not.toMatch(HAN);
    expect(en('某个服务新说的一句话')).toBe('某个服务新说的一句话');
  });

  it('keeps the same placeholders in both languages, and no Chinese in the English', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, zh] of Object.entries(consoleZh)) {
      if (!isConsoleKey(key)) continue;
      const english = consoleEn[key];
      expect(names(english), key).toEqual(names(zh));
      expect(HAN.test(english), `${key} → ${english}`).toBe(false);
    }
  });

  it('fills parameters in either language, and reaches the shared catalog', () => {
    const en = phrasebook('en');
    const zh = phrasebook('zh-CN');
    expect(en('console.ledger.nTotal', { n: 3 })).toBe('3 in total');
    expect(zh('console.ledger.nTotal', { n: 3 })).toBe('共 3 条');
    expect(en('branch.mild')).toBe(translate('en', 'branch.mild'));
    expect(en(undefined)).toBe('—');
  });
});
