import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { jsPDF } from 'jspdf';
import { describe, expect, it } from 'vitest';
import { embedFont, pdfDate, skipArabicPassWithoutArabic, unitWidths, wrap } from './render';

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

describe('embedFont', () => {
  const font = readFileSync('static/fonts/wqy-microhei-subset.ttf').toString('base64');
  const page = (lines: string[], embed: (doc: jsPDF) => void) => {
    const doc = new jsPDF({ unit: 'mm', format: 'a4', compress: true, putOnlyUsedFonts: true });
    doc.setCreationDate("D:20261201021435+08'00'");
    doc.setFileId('0'.repeat(32));
    embed(doc);
    lines.forEach((l, i) => doc.text(l, 20, 20 + i * 8));
    return Buffer.from(doc.output('arraybuffer')).toString('hex');
  };
  const jspdfOwn = (doc: jsPDF) => {
    doc.addFileToVFS('wqy.ttf', font);
    doc.addFont('wqy.ttf', 'wqy', 'normal');
    doc.setFont('wqy', 'normal');
  };
  const once = (doc: jsPDF) => embedFont(doc, font, 'wqy');
  const a = ['不予行政处罚决定书', '六城管不罚〔2026〕7号', '当事人：王喆'];
  const b = ['责令改正通知书', '限期 3 日内改正，逾期将依法处理。'];

  // Made before any embedFont call, so with jsPDF untouched (its own parse, its own encoder).
  const reference = [page(a, jspdfOwn), page(b, jspdfOwn)];

  it("writes the same bytes as jsPDF's own parse and font encoder", () => {
    expect(page(a, once)).toBe(reference[0]);
    expect(page(b, once)).toBe(reference[1]);
  });

  it('writes bytes that do not depend on what was rendered before', () => {
    const first = page(a, once);
    page(b, once);
    page([...b, '另一份文书，用了别的字：鸿鹄'], once);
    expect(page(a, once)).toBe(first);
  });

  // jsPDF's own Arabic pass, taken before it is narrowed.
  type ArabicPass = (input: unknown) => unknown;
  const api = jsPDF.API as unknown as { events: [string, unknown][]; processArabic: ArabicPass };
  const original = api.processArabic;

  it('skips the Arabic pass only where it would change nothing', () => {
    skipArabicPassWithoutArabic();
    const narrowed = api.processArabic;
    expect(narrowed).not.toBe(original);
    // The same function where jsPDF measures strings and in the events it draws them with.
    expect(api.events.some(([, fn]) => fn === original)).toBe(false);
    expect(api.events.some(([name, fn]) => name === 'preProcessText' && fn === narrowed)).toBe(
      true,
    );
    const texts: unknown[] = [
      '当事人：王喆',
      'سلام عليكم',
      '当事人：سلام',
      ['地址：六安市金安区梅山南路', 'لا إله'],
      [['号码：340102199003071232', 1, 2]],
    ];
    for (const text of texts) {
      expect(narrowed(structuredClone(text))).toEqual(original(structuredClone(text)));
      const payload = { text: structuredClone(text) };
      narrowed(payload);
      expect(payload.text).toEqual(
        (original({ text: structuredClone(text) }) as { text: unknown }).text,
      );
    }
    // Arabic strings are really shaped (into presentation forms), so the comparison has teeth.
    expect(narrowed('سلام')).not.toBe('سلام');
    // And pages without Arabic still come out as jsPDF untouched wrote them.
    expect(page(a, jspdfOwn)).toBe(reference[0]);
  });
});

describe('unitWidths', () => {
  const font = readFileSync('static/fonts/wqy-microhei-subset.ttf').toString('base64');
  const probe = () => {
    const doc = new jsPDF({ unit: 'mm', format: 'a4' });
    embedFont(doc, font, 'wqy');
    return doc;
  };
  // Characters of every kind a notice has, and some it should not: CJK, Latin, digits, full- and
  // half-width punctuation, a character the font lacks, Arabic, a lone surrogate, a newline.
  const char = fc.constantFrom(
    ...'当事人王喆六安市金安区佛子岭路号责令改正通知书，。、；：（）《》“”',
    ...'AZaz09.-_:/?=&%#+@ ',
    '\u{20bb7}',
    '\ud842',
    '\u0633',
    // Lam then alef: jsPDF's Arabic pass joins them into one glyph, so the width changes.
    '\u0644',
    '\u0627',
    '\ufe8e',
    '\n',
    '\u2603',
  );
  const text = fc.array(char, { maxLength: 60, size: 'max' }).map((cs) => cs.join(''));

  it("gives jsPDF's own width for any string, as a line grows and when it starts again", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            // Continue the last string (a line growing), or start another.
            grow: fc.boolean(),
            text,
            size: fc.constantFrom(7, 9, 10.5, 12, 16, 22),
          }),
          { minLength: 1, maxLength: 30, size: 'max' },
        ),
        (steps) => {
          const doc = probe();
          const measure = unitWidths(doc);
          let last = '';
          for (const { grow, text, size } of steps) {
            const s = grow ? last + text : text;
            doc.setFontSize(size);
            expect(measure(s)).toBe(doc.getStringUnitWidth(s));
            last = s;
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('leaves Arabic, which jsPDF reshapes before measuring, to jsPDF', () => {
    const doc = probe();
    const measure = unitWidths(doc);
    const joined = '\u0644\u0627'; // lam, alef: one ligature once shaped
    expect(measure(joined)).toBe(doc.getStringUnitWidth(joined));
    expect(measure('王' + joined)).toBe(doc.getStringUnitWidth('王' + joined));
  });

  it('leaves a character spacing to jsPDF', () => {
    const doc = probe();
    const measure = unitWidths(doc);
    expect(measure('当事人王喆')).toBe(doc.getStringUnitWidth('当事人王喆'));
    doc.setCharSpace(1.5);
    expect(measure('当事人王喆')).toBe(doc.getStringUnitWidth('当事人王喆'));
    expect(measure('当事人王喆')).not.toBe(probe().getStringUnitWidth('当事人王喆'));
  });
});
