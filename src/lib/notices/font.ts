/**
 * Which characters the embedded font can draw, read from its cmap table, so a notice is never
 * printed with characters silently missing (a rare character in a name, or anything outside the
 * BMP such as 𠮷).
 */

export type Coverage = { has: (codePoint: number) => boolean; size: number };

export function fontCoverage(font: Uint8Array): Coverage {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const numTables = view.getUint16(4);
  let cmap = -1;
  for (let i = 0; i < numTables; i++) {
    const r = 12 + i * 16;
    if (view.getUint32(r) === 0x636d6170 /* 'cmap' */) cmap = view.getUint32(r + 8);
  }
  if (cmap < 0) throw new Error('font has no cmap table');
  const count = view.getUint16(cmap + 2);
  let best: { format: number; offset: number } | null = null;
  for (let i = 0; i < count; i++) {
    const r = cmap + 4 + i * 8;
    const platform = view.getUint16(r);
    const encoding = view.getUint16(r + 2);
    const offset = cmap + view.getUint32(r + 4);
    const format = view.getUint16(offset);
    if (platform === 3 && encoding === 10 && format === 12) best = { format, offset };
    else if (platform === 3 && encoding === 1 && format === 4 && best?.format !== 12)
      best = { format, offset };
    else if (platform === 0 && !best && (format === 4 || format === 12)) best = { format, offset };
  }
  if (!best) throw new Error('font has no Unicode cmap');
  const set = new Set<number>();
  if (best.format === 12) {
    const groups = view.getUint32(best.offset + 12);
    for (let g = 0; g < groups; g++) {
      const r = best.offset + 16 + g * 12;
      const start = view.getUint32(r);
      const end = view.getUint32(r + 4);
      const glyph = view.getUint32(r + 8);
      for (let c = start; c <= end; c++) if (glyph + (c - start) !== 0) set.add(c);
    }
  } else {
    const o = best.offset;
    const segX2 = view.getUint16(o + 6);
    const ends = o + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const rangeOffsets = deltas + segX2;
    for (let s = 0; s < segX2 / 2; s++) {
      const end = view.getUint16(ends + s * 2);
      const start = view.getUint16(starts + s * 2);
      const delta = view.getInt16(deltas + s * 2);
      const ro = view.getUint16(rangeOffsets + s * 2);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        let glyph: number;
        if (ro === 0) glyph = (c + delta) & 0xffff;
        else {
          const at = rangeOffsets + s * 2 + ro + (c - start) * 2;
          glyph = view.getUint16(at);
          if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
        }
        if (glyph !== 0) set.add(c);
      }
    }
  }
  return { has: (cp) => set.has(cp), size: set.size };
}

/** Every distinct character of `text` the font cannot draw (white space and controls excepted). */
export function uncoveredCharacters(text: string, coverage: Coverage): string[] {
  const out = new Set<string>();
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || /\s/.test(ch)) continue;
    if (!coverage.has(cp)) out.add(ch);
  }
  return [...out];
}

/** Replaces characters the font lacks with a visible □, for a print the officer completes by hand. */
export function markUncovered(text: string, coverage: Coverage): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    out += cp < 0x20 || /\s/.test(ch) || coverage.has(cp) ? ch : '□';
  }
  return out;
}

export { base64Of } from '$lib/domain/bytes';
