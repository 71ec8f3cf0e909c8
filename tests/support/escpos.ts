import { bitmapRgba } from '$lib/notices/raster';

/**
 * A small ESC/POS reader for tests: turns the bytes a printer received back into the pages it
 * would print, one bitmap per cut. It knows the commands a receipt printer needs for raster
 * printing and fails on anything else, so a stray or malformed command cannot pass unnoticed.
 */

export type Page = { width: number; height: number; bits: Uint8Array; feeds: number };

export function decodeEscPos(bytes: Uint8Array, options: { truncated?: boolean } = {}): Page[] {
  const pages: Page[] = [];
  let strips: { width: number; height: number; bits: Uint8Array }[] = [];
  let feeds = 0;
  let i = 0;
  // What a printer that stopped part-way received ends inside a command: `truncated` drops it.
  class Truncated extends Error {}
  const need = (n: number) => {
    if (i + n <= bytes.length) return;
    if (options.truncated) throw new Truncated();
    throw new Error(`ESC/POS stream ends inside a command at ${i}`);
  };
  const endPage = () => {
    if (strips.length === 0) return;
    const width = strips[0]?.width ?? 0;
    if (strips.some((s) => s.width !== width)) throw new Error('raster strips of different widths');
    const height = strips.reduce((h, s) => h + s.height, 0);
    const bits = new Uint8Array((width / 8) * height);
    let at = 0;
    for (const s of strips) {
      bits.set(s.bits, at);
      at += s.bits.length;
    }
    pages.push({ width, height, bits, feeds });
    strips = [];
    feeds = 0;
  };
  try {
    read();
  } catch (e) {
    if (!(e instanceof Truncated)) throw e;
  }
  endPage();
  return pages;

  function read() {
    while (i < bytes.length) {
      const b = bytes[i] as number;
      if (b === 0x0a || b === 0x0d) {
        feeds++;
        i++;
      } else if (b === 0x1b) {
        need(2);
        const c = bytes[i + 1] as number;
        if (c === 0x40)
          i += 2; // ESC @ initialise
        else if (c === 0x64 || c === 0x4a) {
          need(3);
          feeds += bytes[i + 2] as number; // ESC d n / ESC J n: feed
          i += 3;
        } else if (
          c === 0x74 ||
          c === 0x61 ||
          c === 0x45 ||
          c === 0x2d ||
          c === 0x4d ||
          c === 0x32
        ) {
          i += c === 0x32 ? 2 : 3; // code page, alignment, bold, underline, font; line spacing
        } else if (c === 0x33) i += 3;
        else throw new Error(`unknown ESC command 0x${c.toString(16)} at ${i}`);
      } else if (b === 0x1c) {
        need(2);
        const c = bytes[i + 1] as number;
        if (c === 0x2e)
          i += 2; // FS . cancel Kanji mode
        else throw new Error(`unknown FS command 0x${c.toString(16)} at ${i}`);
      } else if (b === 0x1d) {
        need(2);
        const c = bytes[i + 1] as number;
        if (c === 0x76) {
          need(8);
          if (bytes[i + 2] !== 0x30) throw new Error(`GS v ${bytes[i + 2]} is not raster mode 0`);
          const xBytes = (bytes[i + 4] as number) + (bytes[i + 5] as number) * 256;
          const rows = (bytes[i + 6] as number) + (bytes[i + 7] as number) * 256;
          const size = xBytes * rows;
          need(8 + size);
          strips.push({
            width: xBytes * 8,
            height: rows,
            bits: bytes.slice(i + 8, i + 8 + size),
          });
          i += 8 + size;
        } else if (c === 0x56) {
          need(3);
          const m = bytes[i + 2] as number;
          i += m === 0x41 || m === 0x42 || m === 65 || m === 66 ? 4 : 3; // GS V m [n]: cut
          endPage();
        } else if (c === 0x21 || c === 0x42)
          i += 3; // size, invert
        else throw new Error(`unknown GS command 0x${c.toString(16)} at ${i}`);
      } else {
        throw new Error(`text byte 0x${b.toString(16)} at ${i}: the notice must be a raster image`);
      }
    }
  }
}

/** A page as a PBM (P4) file: the same packed bits, which tesseract reads directly. */
export function pbm(page: Page, scale = 1): Uint8Array {
  const src = page;
  const width = src.width * scale;
  const height = src.height * scale;
  const stride = width / 8;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = Math.floor(x / scale);
      const sy = Math.floor(y / scale);
      const on = ((src.bits[sy * (src.width / 8) + (sx >> 3)] as number) >> (7 - (sx & 7))) & 1;
      if (on)
        out[y * stride + (x >> 3)] = (out[y * stride + (x >> 3)] as number) | (0x80 >> (x & 7));
    }
  }
  const header = new TextEncoder().encode(`P4\n${width} ${height}\n`);
  const file = new Uint8Array(header.length + out.length);
  file.set(header);
  file.set(out, header.length);
  return file;
}

/** RGBA of a page, for QR decoding (jsqr). */
export const rgbaOf = (page: Page): Uint8ClampedArray => bitmapRgba(page);
