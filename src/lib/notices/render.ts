import { jsPDF } from 'jspdf';
import { encode as encodeQr } from 'uqr';
import type { DocContent } from './content';

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
const NO_LINE_START = '，。、；：？！）》」』〕】”’…—·,.;:?!)]}%';

/**
 * Line breaking for Chinese text: by width, never starting a line with closing punctuation, and
 * never splitting a run of Latin letters and digits (an ID number, a URL) unless it is longer
 * than a whole line.
 */
export function wrap(text: string, maxWidth: number, width: (s: string) => number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    const tokens = paragraph.match(/[A-Za-z0-9.\-_:/?=&%#+@]+|[\s\S]/gu) ?? [];
    let line = '';
    const push = (token: string) => {
      if (line === '' || width(line + token) <= maxWidth) {
        line += token;
        return;
      }
      if (NO_LINE_START.includes(token) && [...line].length > 1) {
        const chars = [...line];
        const last = chars.pop() ?? '';
        out.push(chars.join(''));
        line = last + token;
        return;
      }
      out.push(line);
      line = token;
    };
    for (const token of tokens) {
      if (token.length > 1 && width(token) > maxWidth) for (const ch of token) push(ch);
      else push(token);
    }
    out.push(line);
  }
  return out;
}

type Op = (doc: jsPDF, y: number) => Promise<void> | void;
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

function newDoc(input: RenderInput, format: [number, number]): jsPDF {
  const doc = new jsPDF({
    unit: 'mm',
    format,
    compress: true,
    putOnlyUsedFonts: true,
    orientation: 'portrait',
  });
  doc.addFileToVFS('wqy-microhei.ttf', input.fontBase64);
  doc.addFont('wqy-microhei.ttf', 'wqy', 'normal');
  doc.setFont('wqy', 'normal');
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
  const measure = (size: number) => (s: string) => probe.getStringUnitWidth(s) * size * PT;
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
    for (let r = 0; r < n; r++) {
      for (let col = 0; col < n; col++) {
        if (qr.data[r]?.[col]) doc.rect(x + col * cell, y + r * cell, cell, cell, 'F');
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
