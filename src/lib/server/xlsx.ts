import { strToU8, Zip, ZipDeflate, ZipPassThrough } from 'fflate';

/**
 * A small streaming XLSX (Office Open XML spreadsheet) writer on fflate's streaming zip: one
 * worksheet per table, a bold header row, strings written inline (no shared-string table, so rows
 * are written as they come and any number of them fit in one chunk of memory). It writes what
 * the exports need and nothing else: text and numbers, no formulas (a cell is never read as one).
 * Output is stable for the same data (fixed entry dates, fixed order).
 */

export type Cell = string | number | null | undefined;

export type SheetSource = {
  name: string;
  header: string[];
  /** Rows, whole or as an async sequence of chunks (streamed). */
  rows: Cell[][] | AsyncIterable<Cell[][]>;
};

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** Zip entries carry this date so the same data gives the same file. */
const ENTRY_DATE = new Date('2000-01-01T00:00:00Z');

/** Text as XML character data: escaped, and without the control characters XML forbids. */
function xmlText(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A1-style column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnName(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

function cellXml(value: Cell, ref: string, style: number): string {
  const s = style ? ` s="${style}"` : '';
  if (typeof value === 'number' && Number.isFinite(value))
    return `<c r="${ref}"${s}><v>${value}</v></c>`;
  if (value === null || value === undefined || value === '') return '';
  const text = xmlText(String(value));
  return `<c r="${ref}"${s} t="inlineStr"><is><t xml:space="preserve">${text}</t></is></c>`;
}

export function rowXml(cells: Cell[], rowNumber: number, style = 0): string {
  const inner = cells.map((v, i) => cellXml(v, `${columnName(i)}${rowNumber}`, style)).join('');
  return `<row r="${rowNumber}">${inner}</row>`;
}

/** Excel's rules for a sheet name: at most 31 characters, none of : \ / ? * [ ]. */
function sheetName(name: string, used: Set<string>): string {
  const base = name.replace(/[:\\/?*[\]]/g, '_').slice(0, 31) || 'Sheet';
  let out = base;
  for (let i = 2; used.has(out); i++) out = `${base.slice(0, 28)}(${i})`;
  used.add(out);
  return out;
}

function packageParts(names: string[]): [string, string][] {
  const sheets = names.map((_, i) => i + 1);
  return [
    [
      '[Content_Types].xml',
      `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        sheets
          .map(
            (n) =>
              `<Override PartName="/xl/worksheets/sheet${n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
          )
          .join('') +
        '</Types>',
    ],
    [
      '_rels/.rels',
      `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ],
    [
      'xl/workbook.xml',
      `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>` +
        names
          .map(
            (name, i) => `<sheet name="${xmlText(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`,
          )
          .join('') +
        '</sheets></workbook>',
    ],
    [
      'xl/_rels/workbook.xml.rels',
      `${XML}<Relationships xmlns="${PKG_REL}">` +
        sheets
          .map(
            (n) =>
              `<Relationship Id="rId${n}" Type="${REL}/worksheet" Target="worksheets/sheet${n}.xml"/>`,
          )
          .join('') +
        `<Relationship Id="rId${names.length + 1}" Type="${REL}/styles" Target="styles.xml"/>` +
        '</Relationships>',
    ],
    [
      'xl/styles.xml',
      `${XML}<styleSheet xmlns="${MAIN}">` +
        '<fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
        '</styleSheet>',
    ],
  ];
}

async function* chunksOf(rows: SheetSource['rows']): AsyncGenerator<Cell[][]> {
  if (Array.isArray(rows)) yield rows;
  else yield* rows;
}

/**
 * The workbook as a sequence of byte chunks, produced as the rows arrive: a chunk of rows in,
 * its compressed bytes out.
 */
export async function* xlsxChunks(sources: SheetSource[]): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else out.push(chunk);
  });
  const drain = function* () {
    if (failure) throw failure;
    while (out.length) yield out.shift() as Uint8Array;
  };
  const used = new Set<string>();
  const names = sources.map((s) => sheetName(s.name, used));
  for (const [path, text] of packageParts(names)) {
    const file = new ZipPassThrough(path);
    file.mtime = ENTRY_DATE;
    zip.add(file);
    file.push(strToU8(text), true);
  }
  yield* drain();
  for (const [i, source] of sources.entries()) {
    const file = new ZipDeflate(`xl/worksheets/sheet${i + 1}.xml`, { level: 6 });
    file.mtime = ENTRY_DATE;
    zip.add(file);
    const widths = `<cols><col min="1" max="${Math.max(1, source.header.length)}" width="18" customWidth="1"/></cols>`;
    file.push(
      strToU8(
        `${XML}<worksheet xmlns="${MAIN}">${widths}<sheetData>${rowXml(source.header, 1, 1)}`,
      ),
    );
    let n = 1;
    for await (const chunk of chunksOf(source.rows)) {
      file.push(strToU8(chunk.map((r) => rowXml(r, ++n)).join('')));
      yield* drain();
    }
    file.push(strToU8('</sheetData></worksheet>'), true);
    yield* drain();
  }
  zip.end();
  yield* drain();
}

/** The whole workbook in memory (small reports). */
export async function xlsxBytes(sources: SheetSource[]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of xlsxChunks(sources)) parts.push(c);
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}

/** A byte stream that pulls the next chunk of rows only when the reader asks for more. */
export function xlsxStream(sources: SheetSource[]): ReadableStream<Uint8Array> {
  const chunks = xlsxChunks(sources);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
