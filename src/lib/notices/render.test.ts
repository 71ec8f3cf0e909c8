import { describe, expect, it } from 'vitest';
import { pdfDate, wrap } from './render';

const width = (s: string) => [...s].length;

describe('wrap', () => {
  it.each([
    ['一二三四五六', 4, ['一二三四', '五六']],
    ['一二三四，五', 4, ['一二三', '四，五']],
    ['甲\n乙', 4, ['甲', '乙']],
  ])('%s at %i', (text, max, expected) => {
    expect(wrap(text, max, width)).toEqual(expected);
  });

  it('keeps an ID number whole when it fits on a line', () => {
    expect(wrap('号码：340102199003071232', 20, width)).toEqual(['号码：', '340102199003071232']);
  });

  it('splits a token longer than a line', () => {
    expect(wrap('ABCDEFGHIJ', 4, width)).toEqual(['ABCD', 'EFGH', 'IJ']);
  });
});

describe('pdfDate', () => {
  it('writes Shanghai time whatever the time zone of the runtime', () => {
    expect(pdfDate('2026-11-30T18:14:35Z')).toBe("D:20261201021435+08'00'");
    expect(pdfDate('2026-11-30T10:00:00+08:00')).toBe("D:20261130100000+08'00'");
  });
});
