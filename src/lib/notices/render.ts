import { zlibSync } from 'fflate';
import { binaryString } from '$lib/domain/bytes';
import { jsPDF } from 'jspdf';
import { encode as encodeQr } from 'uqr';
import type { DocContent } from './content';
import { wrap } from './wrap';

export { wrap };

/**
 * Renders a notice with jsPDF in the browser (offline, on the street) and in Node (supervisor
 * downloads) from the same code. Output is deterministic: fixed creation date and file id from
 * the record, vector QR code, no current-time metadata.
 */

export type Layout = 'a4' | '80mm' | '58mm';

export type RenderInput = {
  content: DocContent;
  layout: Layout;
  /** The subset TrueType font, base64 (jsPDF's virtual file system takes base64). */
  fontBase64: string;
  /** PNG/JPEG bytes of signatures and photos by SHA-256; null when unavailable. */
  image: (sha256: string) => Promise<{ bytes: Uint8Array; format: 'PNG' | 'JPEG' } | null>;
  verify: { url: string; short: string };
  /** Deterministic metadata: the record's completion time and the document hash. */
  createdAt: string;
  fileId: string;
  /** A4 only: photos appended on their own pages. */
  photos?: { sha256: string; caption: string }[];
};

type Metrics = {
  width: number;
  height: number | null;
  margin: number;
  body: number;
  small: number;
  title: number;
  issuer: number;
  line: number;
  qr: number;
  sigHeight: number;
};

const METRICS: Record<Layout, Metrics> = {
  a4: {
    width: 210,
    height: 297,
    margin: 18,
    body: 11,
    small: 8.5,
    title: 18,
    issuer: 13,
    line: 1.55,
    qr: 26,
    sigHeight: 13,
  },
  '80mm': {
    width: 80,
    height: null,
    margin: 4,
    body: 8.5,
    small: 7,
    title: 12,
    issuer: 9.5,
    line: 1.45,
    qr: 30,
    sigHeight: 12,
  },
  '58mm': {
    width: 58,
    height: null,
    margin: 3,
    body: 7.5,
    small: 6,
    title: 10,
    issuer: 8,
    line: 1.4,
    qr: 26,
    sigHeight: 10,
  },
};

const PT = 0.3528; // mm per point

/**
 * A PDF date of an instant in Shanghai time, whatever the time zone of the device: jsPDF would
 * write a Date in the runtime's zone, so the phone (Asia/Shanghai) and a server in UTC would
 * produce different bytes for the same document.
 */
export function pdfDate(iso: string): string {
  const t = new Date(Date.parse(iso) + 8 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `D:${t.getUTCFullYear()}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())}` +
    `${p(t.getUTCHours())}${p(t.getUTCMinutes())}${p(t.getUTCSeconds())}+08'00'`
  );
}
type Op = (doc: jsPDF, y: number) => Promise<void> | void;
/** jsPDF's own number formatting and unit scaling (public on every document, not in its types). */
type PdfNumbers = { hpf: (n: number) => string; scale: (n: number) => number };
/** jsPDF's writer of the current page's content (an operator line), as `rect` uses it. */
type PdfWriter = { write: (line: string) => void };
type Item = { height: number; draw: Op; keepWithNext?: boolean };

export async function renderPdf(input: RenderInput): Promise<Uint8Array> {
  const m = METRICS[input.layout];
  const probe = newDoc(input, [m.width, m.height ?? 297]);
  const items = await layoutItems(probe, input, m);
  const contentWidth = m.width - m.margin * 2;
  void contentWidth;

  if (m.height === null) {
    // Roll paper: one page as long as the content.
    const total = m.margin * 2 + items.reduce((h, i) => h + i.height, 0) + 6;
    const doc = newDoc(input, [m.width, total]);
    let y = m.margin;
    for (const item of items) {
      await item.draw(doc, y);
      y += item.height;
    }
    return finish(doc);
  }

  const doc = newDoc(input, [m.width, m.height]);
  const bottom = m.height - m.margin - 8;
  let y = m.margin;
  for (const [i, item] of items.entries()) {
    const next = items[i + 1];
    const need = item.height + (item.keepWithNext && next ? next.height : 0);
    if (y + need > bottom && y > m.margin + 1) {
      doc.addPage([m.width, m.height]);
      y = m.margin;
    }
    await item.draw(doc, y);
    y += item.height;
  }
  if (input.photos && input.photos.length > 0) await appendPhotos(doc, input, m);
  const pages = doc.getNumberOfPages();
  for (let p = 1; p <= pages; p++) {
    doc.setPage(p);
    doc.setFontSize(m.small);
    const footer = `${input.content.number}\u3000第 ${p} 页 共 ${pages} 页\u3000核验码 ${input.verify.short}`;
    doc.text(footer, m.width / 2, m.height - m.margin / 2, { align: 'center' });
  }
  return finish(doc);
}

/** jsPDF's parsed TrueType font (`jsPDF.API.TTFFont`), as far as this module touches it. */
type ParsedFont = object;
type FontApi = { TTFFont: { open: (file: Uint8Array) => ParsedFont } };

/** The parsed font per font file (the same base64 string object each time: O(1) lookups). */
const parsedFonts = new Map<string, ParsedFont>();
/** The 4 bytes every TrueType file starts with: jsPDF then skips base64 decoding. */
const TTF_MAGIC = '\x00\x01\x00\x00';

/**
 * Adds the font to a document and selects it. jsPDF would decode the 4 MB of base64 and parse the
 * font's tables again for every document (about 60 ms, twice per notice with the layout probe):
 * here it is parsed once per font file, and every document gets its own view of it, with its
 * own record of the glyphs it used: jsPDF writes those (the subset, the widths, the ToUnicode
 * map) per document, so a document's bytes never depend on what was rendered before it. Rendering
 * is synchronous while jsPDF reads the shared tables, so interleaved renders are safe.
 */
export function embedFont(doc: jsPDF, fontBase64: string, name: string): void {
  speedUpFlate();
  const api = jsPDF.API as unknown as FontApi;
  const open = api.TTFFont.open;
  let parsed = parsedFonts.get(fontBase64);
  if (!parsed) {
    const binary = atob(fontBase64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    parsed = open(bytes);
    speedUpFontOutput(parsed);
    if (parsedFonts.size >= 4) parsedFonts.clear();
    parsedFonts.set(fontBase64, parsed);
  }
  // A shallow copy (jsPDF asks `hasOwnProperty('cmap')`): the tables are shared, read only.
  const view = Object.assign(Object.create(Object.getPrototypeOf(parsed) as object), parsed, {
    Unicode: { encoding: {}, kerning: {}, widths: [] },
    glyIdsUsed: [0],
    toUnicode: {},
  }) as ParsedFont;
  const file = `${name}.ttf`;
  doc.addFileToVFS(file, TTF_MAGIC);
  api.TTFFont.open = () => view;
  try {
    doc.addFont(file, name, 'normal');
  } finally {
    api.TTFFont.open = open;
  }
  doc.setFont(name, 'normal');
}

/** For the benchmark's cold figure: the next document parses its font again. */
export function forgetParsedFonts(): void {
  parsedFonts.clear();
}

type Bytes = number[];
type DataLike = {
  data: Bytes;
  pos: number;
  writeInt: (v: number) => void;
  writeShort: (v: number) => void;
  writeString: (v: string) => void;
};
type DirectoryLike = {
  scalarType: number;
  encode: (tables: Record<string, Bytes | Uint8Array>) => Bytes | Uint8Array;
};

/** Every value a byte (what a Uint8Array keeps exactly); jsPDF's encoder handles anything else. */
function allBytes(table: Bytes): boolean {
  for (const v of table) if (!(v >= 0 && v <= 255 && Math.floor(v) === v)) return false;
  return true;
}

/** Sum of the big-endian 32-bit words of `bytes[from, to)`, `to - from` a multiple of 4. */
function wordSum(bytes: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i += 4)
    sum +=
      (bytes[i] as number) * 0x1000000 +
      ((bytes[i + 1] as number) << 16) +
      ((bytes[i + 2] as number) << 8) +
      (bytes[i + 3] as number);
  return sum;
}

/**
 * jsPDF's `Directory.prototype.encode` (the font file written into every PDF) with the same
 * bytes, in a Uint8Array (jsPDF only reads it by index), without jsPDF's quadratic `concat` of
 * every table and its method call per byte: most of a warm notice's time went there. The
 * checksums are jsPDF's: sums of big-endian words with zero padding, `& 0xffffffff`, and the
 * file's own sum (the directory's words plus every padded table's) into the head table.
 * `embedFont`'s test and the golden PDFs hold it to jsPDF's output.
 */
function encodeDirectory(
  this: DirectoryLike,
  tables: Record<string, Bytes | Uint8Array>,
  newData: () => DataLike,
): Uint8Array {
  const tags = Object.keys(tables);
  const tableCount = tags.length;
  const log2 = Math.log(2);
  const searchRange = Math.floor(Math.log(tableCount) / log2) * 16;
  const entrySelector = Math.floor(searchRange / log2);
  const rangeShift = tableCount * 16 - searchRange;
  const headerLength = 12 + tableCount * 16;
  const offsets: number[] = [];
  let length = headerLength;
  for (const tag of tags) {
    offsets.push(length);
    length += (tables[tag] as Bytes | Uint8Array).length;
    while (length % 4) length++;
  }
  const out = new Uint8Array(length);
  const directory = newData();
  directory.writeInt(this.scalarType);
  directory.writeShort(tableCount);
  directory.writeShort(searchRange);
  directory.writeShort(entrySelector);
  directory.writeShort(rangeShift);
  let headOffset = 0;
  let total = 0;
  for (const [i, tag] of tags.entries()) {
    const table = tables[tag] as Bytes | Uint8Array;
    const offset = offsets[i] as number;
    out.set(table, offset);
    const sum = wordSum(out, offset, offset + Math.ceil(table.length / 4) * 4);
    total += sum;
    directory.writeString(tag);
    directory.writeInt(sum & 0xffffffff);
    directory.writeInt(offset);
    directory.writeInt(table.length);
    if (tag === 'head') headOffset = offset;
  }
  out.set(directory.data, 0);
  total += wordSum(out, 0, headerLength);
  const adjustment = 0xb1b0afba - (total & 0xffffffff);
  out.set(
    [
      (adjustment >>> 24) & 0xff,
      (adjustment >> 16) & 0xff,
      (adjustment >> 8) & 0xff,
      adjustment & 0xff,
    ],
    headOffset + 8,
  );
  return out;
}

type Glyph = { encode: (old2new: unknown) => Bytes };
type GlyfLike = {
  encode: (
    glyphs: Record<string, Glyph | null>,
    mapping: string[],
    old2new: unknown,
  ) => { table: Bytes | Uint8Array; offsets: number[] };
};

/**
 * jsPDF's `GlyfTable.prototype.encode` (the used glyphs' outlines) with the same bytes, written
 * once into a Uint8Array where jsPDF copies the whole table again for every glyph
 * (`table.concat`): with the 300-odd characters of a notice, most of its time. Null if a glyph
 * encodes to anything but an array of bytes: jsPDF's own then builds the table.
 */
function encodeGlyphs(
  glyphs: Record<string, Glyph | null>,
  mapping: string[],
  old2new: unknown,
): { table: Uint8Array; offsets: number[] } | null {
  const parts: Bytes[] = [];
  const offsets: number[] = [];
  let length = 0;
  for (const id of mapping) {
    const glyph = glyphs[id];
    offsets.push(length);
    if (!glyph) continue;
    const bytes = glyph.encode(old2new);
    if (!Array.isArray(bytes)) return null;
    parts.push(bytes);
    length += bytes.length;
  }
  offsets.push(length);
  const table = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    for (const v of part) {
      if (!(v >= 0 && v <= 255 && Math.floor(v) === v)) return null;
      table[at++] = v;
    }
  }
  return { table, offsets };
}

type Filters = (
  data: string,
  filters?: string | string[],
) => { data: string; reverseChain: string };

/**
 * jsPDF's Flate filter (every compressed stream: the pages, the font subset, the widths) with the
 * same bytes (the same `zlibSync` at its default level), without building the compressed output
 * one character at a time with `reduce`: that loop and the garbage it left were a tenth of a warm
 * notice (profile in docs/PERFORMANCE.md). Any other filter chain is left to jsPDF.
 */
function speedUpFlate(): void {
  const api = jsPDF.API as unknown as { processDataByFilters: Filters & { fast?: true } };
  const original = api.processDataByFilters;
  if (original.fast) return;
  const fast: Filters & { fast?: true } = (data, filters) => {
    const chain = typeof filters === 'string' ? [filters] : (filters ?? []);
    if (chain.length !== 1 || (chain[0] !== 'FlateEncode' && chain[0] !== '/FlateEncode'))
      return original(data, filters);
    const bytes = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) bytes[i] = data.charCodeAt(i);
    return { data: binaryString(zlibSync(bytes)), reverseChain: '/FlateDecode' };
  };
  fast.fast = true;
  api.processDataByFilters = fast;
}

type TtfMetrics = {
  head: { unitsPerEm: number };
  characterToGlyph: (code: number) => number;
  widthOfGlyph: (glyph: number) => number;
};
type MeasuringDoc = {
  internal: {
    getFont: () => { metadata?: Partial<TtfMetrics> };
    getFontSize: () => number;
    getCharSpace: () => number;
  };
  getStringUnitWidth: (text: string) => number;
};

/** The font's metrics if every glyph width (advance × 1000/unitsPerEm) is an exact binary fraction. */
function exactWidths(metrics: Partial<TtfMetrics> | undefined): TtfMetrics | null {
  const upem = metrics?.head?.unitsPerEm ?? 0;
  return metrics?.widthOfGlyph && metrics.characterToGlyph && Number.isInteger((1000 / upem) * 4096)
    ? (metrics as TtfMetrics)
    : null;
}

/**
 * `doc.getStringUnitWidth`, as the layout's line breaking asks it: for every line again each time
 * it grows by a character or a word. jsPDF sums the glyphs' widths over the whole string every
 * time; this remembers each character's width and the last string's sum, and a string that
 * continues the last one adds only its new characters. The numbers are jsPDF's own: its sum
 * (`TTFFont.widthOfString`) then scaled the same way. A glyph's width is its integer advance
 * times 1000/unitsPerEm, which for this font (2048) is a binary fraction, so every width and every
 * sum of them is exact in floating point and no order of adding changes it; a font without that
 * property, a character spacing, or a string with an Arabic character (which jsPDF reshapes
 * first) goes to jsPDF.
 */
export function unitWidths(doc: jsPDF): (text: string) => number {
  const probe = doc as unknown as MeasuringDoc;
  const widths = new Map<number, number>();
  let font: Partial<TtfMetrics> | undefined;
  let exact: TtfMetrics | null = null;
  let last = '';
  let lastSum = 0;
  const sumOf = (metrics: TtfMetrics, text: string, from: number, sum: number) => {
    for (let i = from; i < text.length; i++) {
      const code = text.charCodeAt(i);
      let w = widths.get(code);
      if (w === undefined) {
        w = metrics.widthOfGlyph(metrics.characterToGlyph(code));
        widths.set(code, w);
      }
      sum += w;
    }
    return sum;
  };
  return (text) => {
    const metrics = probe.internal.getFont().metadata;
    if (metrics !== font) {
      font = metrics;
      exact = exactWidths(metrics);
      widths.clear();
      last = '';
      lastSum = 0;
    }
    if (!exact || probe.internal.getCharSpace() !== 0 || ARABIC.test(text))
      return probe.getStringUnitWidth(text);
    const sum = text.startsWith(last)
      ? sumOf(exact, text, last.length, lastSum)
      : sumOf(exact, text, 0, 0);
    last = text;
    lastSum = sum;
    const size = probe.internal.getFontSize();
    return (sum * (size / 1000)) / size;
  };
}

/** Any character jsPDF's Arabic pass would change: the Arabic blocks and their presentation forms. */
const ARABIC = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]/;

type ArabicPass = ((input: unknown) => unknown) & { narrowed?: true };

/**
 * jsPDF runs its Arabic shaping, character by character, over every string it measures (each
 * line the layout wraps) and again over every string it draws: 0.8 ms of a warm notice in the
 * profile (docs/PERFORMANCE.md). A string without a character of the Arabic blocks comes out of it
 * unchanged, so it now skips it; any other goes through it as before. jsPDF copies its events
 * into each document it makes: this must run before `new jsPDF`.
 */
export function skipArabicPassWithoutArabic(): void {
  const api = jsPDF.API as unknown as {
    events: [string, unknown][];
    processArabic?: ArabicPass;
  };
  const shape = api.processArabic;
  if (!shape || shape.narrowed) return;
  const narrowed: ArabicPass = (input) =>
    hasArabic(typeof input === 'string' ? input : (input as { text: unknown }).text)
      ? shape(input)
      : input;
  narrowed.narrowed = true;
  api.processArabic = narrowed;
  for (const entry of api.events) if (entry[1] === shape) entry[1] = narrowed;
}

function hasArabic(text: unknown): boolean {
  if (typeof text === 'string') return ARABIC.test(text);
  if (Array.isArray(text)) return text.some((t) => hasArabic(Array.isArray(t) ? t[0] : t));
  return true;
}

/** Installs the two encoders above on jsPDF's font classes, once, keeping jsPDF's for other shapes. */
function speedUpFontOutput(parsed: ParsedFont): void {
  const font = parsed as {
    directory?: DirectoryLike;
    glyf?: GlyfLike;
    contents?: { constructor: unknown };
  };
  const directory = font.directory && (Object.getPrototypeOf(font.directory) as DirectoryLike);
  const glyf = font.glyf && (Object.getPrototypeOf(font.glyf) as GlyfLike);
  const Data = font.contents?.constructor as (new () => DataLike) | undefined;
  if (!directory || !glyf || !Data || (directory as { patched?: true }).patched) return;
  const original = directory.encode;
  directory.encode = function (this: DirectoryLike, tables: Record<string, Bytes | Uint8Array>) {
    if (
      Object.values(tables).every(
        (t) => t instanceof Uint8Array || (Array.isArray(t) && allBytes(t)),
      )
    )
      return encodeDirectory.call(this, tables, () => new Data());
    // jsPDF's own encoder takes arrays only.
    const arrays: Record<string, Bytes> = {};
    for (const [tag, t] of Object.entries(tables))
      arrays[tag] = t instanceof Uint8Array ? Array.from(t) : t;
    return original.call(this, arrays);
  };
  const originalGlyf = glyf.encode;
  glyf.encode = function (this: GlyfLike, glyphs, mapping, old2new) {
    return (
      encodeGlyphs(glyphs, mapping, old2new) ?? originalGlyf.call(this, glyphs, mapping, old2new)
    );
  };
  // A table's bytes, read from the parsed file once rather than byte by byte for every document
  // (the widths and offsets of all 27,000 glyphs go into every subset). Nothing writes to them.
  let table: object | null = (font as { hmtx?: object }).hmtx ?? null;
  while (table && !Object.prototype.hasOwnProperty.call(table, 'raw'))
    table = Object.getPrototypeOf(table) as object | null;
  if (table) {
    const raw = (table as { raw: () => Bytes | null }).raw;
    const kept = new WeakMap<object, Bytes | null>();
    (table as { raw: () => Bytes | null }).raw = function (this: object) {
      if (!kept.has(this)) kept.set(this, raw.call(this));
      return kept.get(this) ?? null;
    };
  }
  (directory as { patched?: true }).patched = true;
}

function newDoc(input: RenderInput, format: [number, number]): jsPDF {
  skipArabicPassWithoutArabic();
  const doc = new jsPDF({
    unit: 'mm',
    format,
    compress: true,
    putOnlyUsedFonts: true,
    orientation: 'portrait',
  });
  embedFont(doc, input.fontBase64, 'wqy');
  doc.setCreationDate(pdfDate(input.createdAt));
  doc.setFileId(input.fileId.slice(0, 32).toUpperCase().padEnd(32, '0'));
  doc.setDocumentProperties({
    title: `${input.content.title} ${input.content.number}`,
    subject: input.content.title,
    author: input.content.issuer,
    creator: 'Patrolbook 柔性执法助手',
    keywords: `template ${input.content.templateVersion}`,
  });
  doc.setLanguage('zh-CN');
  return doc;
}

function finish(doc: jsPDF): Uint8Array {
  return new Uint8Array(doc.output('arraybuffer'));
}

async function layoutItems(probe: jsPDF, input: RenderInput, m: Metrics): Promise<Item[]> {
  const c = input.content;
  const width = m.width - m.margin * 2;
  const items: Item[] = [];
  const unitWidth = unitWidths(probe);
  const measure = (size: number) => (s: string) => unitWidth(s) * size * PT;
  const lineH = (size: number) => size * PT * m.line;

  const textBlock = (
    text: string,
    size: number,
    options: { align?: 'center'; indent?: number; keep?: boolean } = {},
  ) => {
    const indent = options.indent ?? 0;
    const lines = wrap(text, width - indent, measure(size));
    const h = lines.length * lineH(size);
    items.push({
      height: h,
      keepWithNext: options.keep ?? false,
      draw: (doc, y) => {
        doc.setFontSize(size);
        lines.forEach((l, i) => {
          const baseline = y + (i + 1) * lineH(size) - lineH(size) * 0.28;
          if (options.align === 'center') doc.text(l, m.width / 2, baseline, { align: 'center' });
          else doc.text(l, m.margin + indent, baseline);
        });
      },
    });
  };
  const gap = (h: number) => items.push({ height: h, draw: () => undefined });

  // The quiet zone is the margin around the drawing, so the matrix is encoded without a border.
  const qr = encodeQr(input.verify.url, { ecc: 'M', border: 0 });
  const drawQr = (doc: jsPDF, x: number, y: number, size: number) => {
    const n = qr.size;
    const cell = size / n;
    doc.setFillColor(0, 0, 0);
    // Exactly what `doc.rect(x + col * cell, y + r * cell, cell, cell, 'F')` writes for each dark
    // module (the golden PDFs pin these bytes), with each row's and column's coordinate formatted
    // once instead of four numbers checked, scaled and formatted per module: a thousand modules.
    const pdf = doc as unknown as PdfNumbers;
    const out = doc.internal as unknown as PdfWriter;
    const pageHeight = doc.internal.pageSize.getHeight();
    const xs = Array.from({ length: n }, (_, col) => pdf.hpf(pdf.scale(x + col * cell)));
    const ys = Array.from({ length: n }, (_, r) => pdf.hpf(pdf.scale(pageHeight - (y + r * cell))));
    const extent = ` ${pdf.hpf(pdf.scale(cell))} ${pdf.hpf(pdf.scale(-cell))} re`;
    for (let r = 0; r < n; r++) {
      const row = qr.data[r];
      for (let col = 0; col < n; col++) {
        if (row?.[col]) {
          out.write(`${xs[col]} ${ys[r]}${extent}`);
          out.write('f');
        }
      }
    }
  };

  if (input.layout === 'a4') {
    // Header with the QR code on the right.
    items.push({
      height: m.qr + 4,
      draw: (doc, y) => {
        drawQr(doc, m.width - m.margin - m.qr, y, m.qr);
        doc.setFontSize(m.small);
        doc.text(`核验码 ${input.verify.short}`, m.width - m.margin - m.qr / 2, y + m.qr + 3, {
          align: 'center',
        });
        doc.setFontSize(m.issuer);
        doc.text(c.issuer, m.width / 2, y + 8, { align: 'center' });
        doc.setFontSize(m.title);
        doc.text(c.title, m.width / 2, y + 18, { align: 'center' });
        doc.setFontSize(m.body);
        doc.text(c.number, m.width / 2, y + 26, { align: 'center' });
      },
    });
  } else {
    textBlock(c.issuer, m.issuer, { align: 'center' });
    textBlock(c.title, m.title, { align: 'center' });
    textBlock(c.number, m.body, { align: 'center' });
    gap(2);
  }
  gap(2);

  for (const b of c.blocks) {
    switch (b.kind) {
      case 'field':
        textBlock(`${b.label}：${b.value}`, m.body);
        gap(1);
        break;
      case 'paragraph':
        textBlock(`\u3000\u3000${b.text}`, m.body);
        gap(1);
        break;
      case 'photos':
        break;
      case 'signatures': {
        gap(2);
        for (const slot of b.slots) {
          const img = slot.sha256 ? await input.image(slot.sha256) : null;
          const labelText = `${slot.label}：${slot.name}`;
          const labelLines = wrap(labelText, width, measure(m.body));
          const noteLines = slot.note ? wrap(slot.note, width, measure(m.small)) : [];
          const h =
            labelLines.length * lineH(m.body) +
            (img ? m.sigHeight : 0) +
            noteLines.length * lineH(m.small) +
            lineH(m.small) +
            1.5;
          items.push({
            height: h,
            draw: (doc, y) => {
              let at = y;
              doc.setFontSize(m.body);
              for (const l of labelLines) {
                at += lineH(m.body);
                doc.text(l, m.margin, at - lineH(m.body) * 0.28);
              }
              if (img) {
                const props = doc.getImageProperties(img.bytes);
                const w = Math.min(width * 0.6, (props.width / props.height) * m.sigHeight);
                doc.addImage(
                  img.bytes,
                  img.format,
                  m.margin + 2,
                  at,
                  w,
                  m.sigHeight,
                  slot.sha256 ?? undefined,
                  'FAST',
                );
                at += m.sigHeight;
              }
              doc.setFontSize(m.small);
              for (const l of noteLines) {
                at += lineH(m.small);
                doc.text(l, m.margin + 2, at - lineH(m.small) * 0.28);
              }
              at += lineH(m.small);
              doc.text(`日期：${slot.date}`, m.margin + 2, at - lineH(m.small) * 0.28);
            },
          });
        }
        break;
      }
    }
  }
  gap(3);
  textBlock(`${c.issuer}\u3000${c.date}`, m.body, { align: 'center' });

  if (input.layout !== 'a4') {
    gap(3);
    items.push({
      height: m.qr + 2,
      draw: (doc, y) => drawQr(doc, (m.width - m.qr) / 2, y, m.qr),
    });
    textBlock(`核验码 ${input.verify.short}`, m.small, { align: 'center' });
    textBlock(input.verify.url, m.small, { align: 'center' });
  } else {
    gap(2);
    textBlock(`扫描右上角二维码或访问 ${input.verify.url} 核验本文书真伪。`, m.small);
  }
  return items;
}

async function appendPhotos(doc: jsPDF, input: RenderInput, m: Metrics) {
  const height = m.height ?? 297;
  const width = m.width - m.margin * 2;
  doc.addPage([m.width, height]);
  doc.setFontSize(m.issuer);
  doc.text(`附：现场照片（${input.content.number}）`, m.margin, m.margin + 5);
  let y = m.margin + 12;
  for (const p of input.photos ?? []) {
    const img = await input.image(p.sha256);
    if (!img) continue;
    const props = doc.getImageProperties(img.bytes);
    const w = width;
    const h = Math.min(height * 0.38, (props.height / props.width) * w);
    const drawW = (props.width / props.height) * h;
    if (y + h + 10 > height - m.margin - 8) {
      doc.addPage([m.width, height]);
      y = m.margin;
    }
    doc.addImage(
      img.bytes,
      img.format,
      m.margin + (width - drawW) / 2,
      y,
      drawW,
      h,
      p.sha256,
      'FAST',
    );
    doc.setFontSize(m.small);
    doc.text(p.caption, m.margin, y + h + 4);
    y += h + 9;
  }
}
