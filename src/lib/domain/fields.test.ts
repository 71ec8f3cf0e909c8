import { describe, expect, it } from 'vitest';
import {
  freeText,
  hasForbiddenCharacters,
  instantSchema,
  limitCounter,
  LIMITS,
  line,
  localDateSchema,
  text,
  textLength,
} from './fields';
import { fieldKey, issue, issuesFromZod } from './issues';

describe('dates and instants: one definition, real calendar dates only', () => {
  it.each([
    ['2026-11-30', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-02-31', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['1999-12-31', false],
    ['2100-12-31', true],
    ['2101-01-01', false],
  ])('%s is a date: %s', (value, ok) => {
    expect(localDateSchema.safeParse(value).success).toBe(ok);
  });

  it.each([
    ['2026-11-30T09:05:00+08:00', true],
    ['2026-11-30T01:05Z', true],
    ['2026-02-31T09:05:00+08:00', false],
    ['2026-11-30 09:05:00', false],
    ['2019-12-31T23:59:59Z', false],
    ['2100-01-01T00:00:00Z', false],
  ])('%s is an instant: %s', (value, ok) => {
    expect(instantSchema.safeParse(value).success).toBe(ok);
  });
});

describe('texts', () => {
  it.each([
    ['plain Chinese', '当事人在人行道上摆摊', false, false],
    ['a line break in a multi-line text', '第一行\n第二行', false, false],
    ['a line break in a name', '王\n某', true, true],
    ['NUL', 'a\u0000b', false, true],
    ['a C1 control', 'a\u0085b', false, true],
    ['right-to-left override', '王\u202e某', true, true],
    ['an isolate', '王\u2067某', false, true],
    ['a byte-order mark', '\ufeff王某', true, true],
    ['a lone surrogate', 'a\ud800b', false, true],
    ['a whole astral character', '𠮷😀', true, false],
  ])('%s: refused %s / %s', (_name, value, singleLine, refused) => {
    expect(hasForbiddenCharacters(value, singleLine)).toBe(refused);
  });

  it('counts trimmed UTF-16 units, as the schemas do, and shows the counter from 80 %', () => {
    expect(textLength('  我😀  ')).toBe(3);
    expect(limitCounter('我'.repeat(1599), 'partyStatement')).toBeNull();
    expect(limitCounter('我'.repeat(1600), 'partyStatement')).toEqual({
      length: 1600,
      max: LIMITS.partyStatement,
      over: false,
    });
    expect(limitCounter(` ${'我'.repeat(2001)} `, 'partyStatement')).toMatchObject({ over: true });
    expect(freeText(3).safeParse('  abc  ').success).toBe(true);
    expect(freeText(3).safeParse('abcd').success).toBe(false);
    expect(text(3).safeParse('   ').success).toBe(false);
    expect(line(3).safeParse('a\nb').success).toBe(false);
  });
});

describe('issues name their field', () => {
  it.each([
    [['education', 'partyStatement'], 'education.partyStatement'],
    [['signatures', 'party', 'witness', 'signature', 'signerName'], 'signatures.party'],
    [['officers', 1, 'name'], 'officers.name'],
    [['evidence', 3, 'note'], 'evidence.note'],
    [['nothing', 'known'], 'record'],
  ] as const)('%j is labelled as %s', (path, key) => {
    expect(fieldKey(path)).toBe(key);
  });

  it('turns zod findings into codes with parameters and a Chinese message', () => {
    const input = { facts: `${'事'.repeat(4001)}`, name: '', bad: 'a\u0000' };
    const schema = text(LIMITS.facts);
    const r = schema.safeParse(input.facts);
    expect(r.success).toBe(false);
    if (r.success) throw new Error('parsed');
    expect(issuesFromZod(r.error, input.facts, ['facts'])).toEqual([
      {
        path: ['facts'],
        code: 'tooLong',
        params: { max: 4000, length: 4001 },
        message: '违法事实：超过 4000 字的上限（现为 4001 字）',
      },
    ]);
    const ctl = line(50).safeParse(input.bad);
    if (ctl.success) throw new Error('accepted a NUL');
    expect(issuesFromZod(ctl.error, input.bad, ['party', 'name'])[0]).toMatchObject({
      code: 'controlChars',
      message: '姓名或名称：含有不可见的控制字符，请删除后重新输入',
    });
    expect(
      issue(['itemCode'], 'notInCatalog', { itemCode: 'SR-99', catalogVersion: 'v1' }),
    ).toEqual({
      path: ['itemCode'],
      code: 'notInCatalog',
      params: { itemCode: 'SR-99', catalogVersion: 'v1' },
      message: '清单版本 v1 中没有事项 SR-99',
    });
  });
});
