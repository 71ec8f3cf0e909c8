import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { columnName, xlsxBytes, xlsxStream, type Cell } from './xlsx';

/** Read back with an independent implementation (ExcelJS, a development dependency only). */
async function read(bytes: Uint8Array) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(bytes).buffer);
  return wb;
}

async function* chunked(rows: Cell[][], size: number) {
  for (let i = 0; i < rows.length; i += size) {
    await Promise.resolve(); // as a database cursor would
    yield rows.slice(i, i + size);
  }
}

describe('xlsx writer', () => {
  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [51, 'AZ'],
    [52, 'BA'],
    [701, 'ZZ'],
    [702, 'AAA'],
  ])('column %i is %s', (i, name) => {
    expect(columnName(i)).toBe(name);
  });

  it('writes sheets, a bold header, text and numbers as Excel reads them', async () => {
    const text = ['<&>"\'', '=1+1', ' 前后空格 ', '换\n行', 'bell\u0007gone', '𠀀扩展B'];
    const bytes = await xlsxBytes([
      {
        name: '汇总',
        header: ['指标', '数值'],
        rows: [
          ['案件总数', 12],
          ['占比', '41.5%'],
        ],
      },
      { name: 'a/b:c?[d]*e', header: text, rows: [text, [null, undefined, '', 0, -1.5, 'x']] },
      { name: '汇总', header: ['重名'], rows: [] },
    ]);
    const wb = await read(bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', 'a_b_c__d__e', '汇总(2)']);
    const summary = wb.getWorksheet('汇总');
    expect(summary?.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(summary?.getRow(2).values).toEqual([undefined, '案件总数', 12]);
    expect(summary?.getRow(3).values).toEqual([undefined, '占比', '41.5%']);
    const odd = wb.worksheets[1];
    const expected = text.map((t) => t.replace('\u0007', ''));
    expect(odd?.getRow(1).values).toEqual([undefined, ...expected]);
    expect(odd?.getRow(2).values).toEqual([undefined, ...expected]);
    // Formula-like text stays text.
    expect(odd?.getRow(2).getCell(2).type).toBe(ExcelJS.ValueType.String);
    expect(odd?.getRow(3).values).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      0,
      -1.5,
      'x',
    ]);
    expect(wb.worksheets[2]?.rowCount).toBe(1);
  });

  it('streams any number of rows chunk by chunk, to the same table as the whole', async () => {
    const rows: Cell[][] = Array.from({ length: 2500 }, (_, i) => [
      `第${i}行`,
      i,
      '测试'.repeat((i % 7) + 1),
    ]);
    const whole = await xlsxBytes([{ name: '台账', header: ['a', 'b', 'c'], rows }]);
    const streamed = new Uint8Array(
      await new Response(
        xlsxStream([{ name: '台账', header: ['a', 'b', 'c'], rows: chunked(rows, 300) }]),
      ).arrayBuffer(),
    );
    const wb = await read(streamed);
    const sheet = wb.getWorksheet('台账');
    expect(sheet?.rowCount).toBe(2501);
    expect(sheet?.getRow(2501).values).toEqual([
      undefined,
      '第2499行',
      2499,
      '测试'.repeat((2499 % 7) + 1),
    ]);
    // Same data, same file (fixed entry dates); chunked, the same table.
    const again = await xlsxBytes([{ name: '台账', header: ['a', 'b', 'c'], rows }]);
    expect(Buffer.from(again).equals(Buffer.from(whole))).toBe(true);
    const fromStream = await read(streamed);
    expect(fromStream.getWorksheet('台账')?.getRow(1234).values).toEqual(
      (await read(whole)).getWorksheet('台账')?.getRow(1234).values,
    );
  });
});
