import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zhCN, type MessageKey } from './zh-CN';

const HAN = /[\u4e00-\u9fff]/;

/**
 * Chinese text the officer app writes into the record itself (the bureau's files are Chinese in
 * either interface language), not interface text.
 */
const RECORD_DATA = [
  '社区居委会工作人员', // default role of a refusal's witness, editable
  '当事人', // the party's signature caption when no name was given
  '复查：', // amendment note of a re-inspection version
  '已改正',
  '未改正',
  '按审核意见修改', // amendment note of a returned record
];

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, ext);
    return ext.test(name) && !name.includes('.test.') ? [path] : [];
  });
}

/** Source without comments: `//` and `/* *\/` in script, `<!-- -->` in markup. */
function code(source: string): string {
  return source
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/**
 * Each run of Chinese text, and each Chinese punctuation mark (which would show in the English
 * interface too), left in the code once comments and record data are taken out.
 */
function chineseRuns(source: string, data: readonly string[]): string[] {
  let rest = code(source);
  for (const d of data) rest = rest.split(d).join(' ');
  return [
    ...[...rest.matchAll(/[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+/g)]
      .map((m) => m[0])
      .filter((run) => HAN.test(run)),
    ...[...rest.matchAll(/[（）：；、，。]/g)].map((m) => m[0]),
  ];
}

/** Record data written with Chinese punctuation, per file. */
const PUNCTUATION_DATA: Record<string, string[]> = {
  // The "law explained" of the education record joins the two clauses the bureau's way.
  [join('src/lib/components/field/steps/StepItem.svelte')]: ['.article}；${'],
};

const sources = [
  ...files('src/lib/client', /\.(ts|svelte)$/),
  ...files('src/lib/components/field', /\.svelte$/),
  ...files('src/routes/(field)', /\.(ts|svelte)$/),
];

describe('officer app interface text', () => {
  it('finds the officer app sources', () => {
    expect(sources.length).toBeGreaterThan(20);
  });

  it.each(sources)('%s has no Chinese outside the message catalogs', (path) => {
    const data = [...RECORD_DATA, ...(PUNCTUATION_DATA[path] ?? [])].sort(
      (a, b) => b.length - a.length,
    );
    expect(chineseRuns(readFileSync(path, 'utf8'), data)).toEqual([]);
  });

  it('has every message in English, with the same placeholders and no Chinese', () => {
    const names = (s: string) =>
      [...s.matchAll(/\{(\w+)(?::[^|{}]*\|[^{}]*)?\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(zhCN) as MessageKey[]) {
      expect(names(en[key]), key).toEqual(names(zhCN[key]));
      if (key !== 'app.language') expect(HAN.test(en[key]), `${key}: ${en[key]}`).toBe(false);
    }
  });
});
