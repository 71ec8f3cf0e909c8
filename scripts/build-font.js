#!/usr/bin/env node
// Rebuilds static/fonts/wqy-microhei-subset.ttf from Debian's fonts-wqy-microhei:
// face 0 of the .ttc, subset (harfbuzz, via subset-font) to every CJK Unified Ideograph of the
// BMP, CJK symbols and punctuation, fullwidth forms, Latin and the symbols notices use.
//   apt-get install fonts-wqy-microhei && node scripts/build-font.js
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import subsetFont from 'subset-font';

const TTC = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
const OUT = new URL('../static/fonts/wqy-microhei-subset.ttf', import.meta.url);

/** Copies face `index` of a TrueType collection into a standalone sfnt. */
export function extractFace(ttc, index = 0) {
  const view = new DataView(ttc.buffer, ttc.byteOffset, ttc.byteLength);
  if (view.getUint32(0) !== 0x74746366) throw new Error('not a TrueType collection');
  const offset = view.getUint32(12 + index * 4);
  const numTables = view.getUint16(offset + 4);
  const tables = [];
  for (let i = 0; i < numTables; i++) {
    const r = offset + 12 + i * 16;
    tables.push({
      tag: view.getUint32(r),
      checksum: view.getUint32(r + 4),
      offset: view.getUint32(r + 8),
      length: view.getUint32(r + 12),
    });
  }
  const headerSize = 12 + numTables * 16;
  let size = headerSize;
  for (const t of tables) size += (t.length + 3) & ~3;
  const out = new Uint8Array(size);
  const o = new DataView(out.buffer);
  out.set(ttc.subarray(offset, offset + 12), 0);
  let cursor = headerSize;
  tables.forEach((t, i) => {
    const r = 12 + i * 16;
    o.setUint32(r, t.tag);
    o.setUint32(r + 4, t.checksum);
    o.setUint32(r + 8, cursor);
    o.setUint32(r + 12, t.length);
    out.set(ttc.subarray(t.offset, t.offset + t.length), cursor);
    cursor += (t.length + 3) & ~3;
  });
  return out;
}

const ranges = [
  [0x0020, 0x007e], // Basic Latin
  [0x00a0, 0x00ff], // Latin-1: · ² ³ × ÷ °
  [0x2000, 0x206f], // General punctuation: “” ‘’ — … ‰
  [0x2100, 0x214f], // Letterlike: ℃ №
  [0x2150, 0x218f], // Number forms: Ⅰ Ⅱ
  [0x2190, 0x21ff], // Arrows
  [0x2460, 0x24ff], // Enclosed alphanumerics: ①
  [0x2500, 0x25ff], // Box drawing and shapes: □ ■ ○ ●
  [0x3000, 0x303f], // CJK symbols and punctuation: 、。〔〕《》「」
  [0x3200, 0x32ff], // Enclosed CJK
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xfe30, 0xfe4f], // CJK compatibility forms
  [0xff00, 0xffef], // Halfwidth and fullwidth forms
];

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!existsSync(TTC)) {
    console.error(`missing ${TTC}: apt-get install fonts-wqy-microhei`);
    process.exit(1);
  }
  const face = extractFace(readFileSync(TTC));
  let text = '';
  for (const [a, b] of ranges) for (let c = a; c <= b; c++) text += String.fromCodePoint(c);
  const subset = await subsetFont(Buffer.from(face), text, { targetFormat: 'truetype' });
  mkdirSync(new URL('../static/fonts/', import.meta.url), { recursive: true });
  writeFileSync(OUT, subset);
  copyFileSync(
    '/usr/share/common-licenses/Apache-2.0',
    new URL('../static/fonts/LICENSE-Apache-2.0.txt', import.meta.url),
  );
  console.log(
    `face 0: ${(face.length / 1024 / 1024).toFixed(2)} MB -> subset ${(subset.length / 1024 / 1024).toFixed(2)} MB: ${OUT.pathname}`,
  );
}
