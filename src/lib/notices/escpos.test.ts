import { describe, expect, it } from 'vitest';
import { encode as encodeQr } from 'uqr';
import jsQR from 'jsqr';
import { decodeEscPos, rgbaOf } from '../../../tests/support/escpos';
import { escposCopy } from './escpos';
import { bitAt, drawModules, toBits, type Bitmap } from './raster';

/** A bitmap with a pattern no two rows share, so a lost, doubled or shifted row shows. */
function patterned(width: number, height: number): Bitmap {
  const bits = new Uint8Array((width / 8) * height);
  for (let i = 0; i < bits.length; i++) bits[i] = (i * 131 + (i >> 5) * 7) & 0xff;
  return { width, height, bits };
}

describe('ESC/POS encoding of a notice raster', () => {
  it.each([
    ['58mm', 384, 600],
    ['80mm', 576, 1000],
  ] as const)(
    'a %s page comes back dot for dot from the printer stream',
    (paper, width, height) => {
      const page = patterned(width, height);
      const bytes = escposCopy(page, paper);
      const [decoded, ...more] = decodeEscPos(bytes);
      expect(more).toHaveLength(0);
      expect(decoded?.width).toBe(width);
      expect(decoded?.height).toBe(height);
      expect(decoded?.bits).toEqual(page.bits);
      // Fed past the tear bar before the cut.
      expect(decoded?.feeds).toBeGreaterThanOrEqual(4);
      // Starts with ESC @ and holds no text byte outside the raster commands (the reader fails on one).
      expect([...bytes.slice(0, 2)]).toEqual([0x1b, 0x40]);
    },
  );

  it('two copies are two pages', () => {
    const a = patterned(384, 64);
    const b = patterned(384, 128);
    const pages = decodeEscPos(
      new Uint8Array([...escposCopy(a, '58mm'), ...escposCopy(b, '58mm')]),
    );
    expect(pages.map((p) => p.height)).toEqual([64, 128]);
  });
});

describe('the one-bit raster', () => {
  it('cuts text at half grey and dithers only inside image rectangles', () => {
    const width = 16;
    const height = 8;
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      const grey = 110; // darker than half grey: black as text, about 57 % black dithered
      rgba.set([grey, grey, grey, 255], i * 4);
    }
    const b = toBits(rgba, width, height, [{ x: 8, y: 0, width: 8, height: 8 }]);
    let textBlack = 0;
    let imageBlack = 0;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        if (bitAt(b, x, y)) {
          if (x < 8) textBlack++;
          else imageBlack++;
        }
      }
    expect(textBlack).toBe(64);
    expect(imageBlack).toBeGreaterThan(20);
    expect(imageBlack).toBeLessThan(56);
  });

  it('refuses a width the printer cannot take', () => {
    expect(() => toBits(new Uint8ClampedArray(10 * 4), 10, 1)).toThrow(/multiple of 8/);
  });

  it('draws a QR code in whole dots that decodes back to its URL', () => {
    const url = 'https://zf.luan.gov.cn/v/0192f3a4-0000-7000-8000-000000000001?h=ABCD1234';
    const qr = encodeQr(url, { ecc: 'M', border: 0 });
    const module = 5;
    const side = Math.ceil(((qr.size + 8) * module) / 8) * 8;
    const b: Bitmap = { width: side, height: side, bits: new Uint8Array((side / 8) * side) };
    drawModules(b, qr.data, 4 * module, 4 * module, module);
    for (let r = 0; r < qr.size; r++)
      for (let c = 0; c < qr.size; c++)
        for (const [dx, dy] of [
          [0, 0],
          [module - 1, module - 1],
        ] as const)
          expect(bitAt(b, 4 * module + c * module + dx, 4 * module + r * module + dy)).toBe(
            qr.data[r]?.[c] === true,
          );
    const page = { ...b, feeds: 0 };
    expect(jsQR(rgbaOf(page), side, side)?.data).toBe(url);
  });
});
