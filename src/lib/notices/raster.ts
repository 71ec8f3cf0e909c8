import { encode as encodeQr } from 'uqr';
import type { DocContent } from './types';
import { wrap } from './wrap';

/**
 * A notice drawn for a thermal printer: the same content as the 58/80 mm PDFs (render.ts), laid
 * out in printer dots and reduced to one bit per dot, so the Chinese text prints on any ESC/POS
 * printer whatever code pages it has. Text is drawn with the app's WenQuanYi font and cut at half
 * grey (dithering would fray 24-dot characters); signature images are dithered (Atkinson); the QR
 * code is written straight into the bits, whole dots per module, never resampled or dithered.
 */

export type Paper = '58mm' | '80mm';

/** One bit per dot, rows of `width / 8` bytes, most significant bit first, 1 = black (ESC/POS). */
export type Bitmap = { width: number; height: number; bits: Uint8Array };

type RasterMetrics = {
  /** Dots across the print head (8 dots/mm). */
  width: number;
  margin: number;
  body: number;
  small: number;
  title: number;
  issuer: number;
  line: number;
  /** The QR code's size in dots at most; modules are whole dots. */
  qr: number;
  sigHeight: number;
};

export const RASTER: Record<Paper, RasterMetrics> = {
  '58mm': {
    width: 384,
    margin: 6,
    body: 22,
    small: 18,
    title: 30,
    issuer: 24,
    line: 1.4,
    qr: 200,
    sigHeight: 72,
  },
  '80mm': {
    width: 576,
    margin: 10,
    body: 24,
    small: 20,
    title: 36,
    issuer: 28,
    line: 1.45,
    qr: 240,
    sigHeight: 88,
  },
};

/** What a 2D canvas offers that the layout uses (an OffscreenCanvas in the browser). */
export type RasterCanvas = {
  getContext(type: '2d'): RasterContext | null;
};
export type RasterContext = {
  font: string;
  fillStyle: string | CanvasGradient | CanvasPattern;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
  imageSmoothingQuality: ImageSmoothingQuality;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  drawImage(image: CanvasImageSource, x: number, y: number, w: number, h: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
};

export type RasterImage = { source: CanvasImageSource; width: number; height: number };

export type RasterInput = {
  content: DocContent;
  paper: Paper;
  /** Printed under the number: whose copy this is (第一联 当事人收执); not part of the content. */
  copy?: string;
  /** A font family the canvas can use (the WenQuanYi subset, loaded as a FontFace). */
  fontFamily: string;
  image: (sha256: string) => Promise<RasterImage | null>;
  verify: { url: string; short: string };
  canvas: (width: number, height: number) => RasterCanvas;
};

type Draw = (g: RasterContext, y: number) => void;
type Item = { height: number; draw?: Draw; image?: { x: number; width: number } };

export async function renderRaster(input: RasterInput): Promise<Bitmap> {
  const m = RASTER[input.paper];
  const c = input.content;
  const inner = m.width - m.margin * 2;
  const probe = context(input.canvas(8, 8));
  const font = (size: number) => `${size}px "${input.fontFamily}"`;
  const measure = (size: number) => (s: string) => {
    probe.font = font(size);
    return probe.measureText(s).width;
  };
  const lineH = (size: number) => Math.round(size * m.line);
  const items: Item[] = [];

  const text = (s: string, size: number, align: 'left' | 'center' = 'left', indent = 0) => {
    const lines = wrap(s, inner - indent, measure(size));
    items.push({
      height: lines.length * lineH(size),
      draw: (g, y) => {
        g.font = font(size);
        g.textBaseline = 'alphabetic';
        g.textAlign = align;
        lines.forEach((l, i) => {
          const baseline = y + (i + 1) * lineH(size) - Math.round(lineH(size) * 0.26);
          g.fillText(l, align === 'center' ? m.width / 2 : m.margin + indent, baseline);
        });
      },
    });
  };
  const gap = (h: number) => items.push({ height: h });

  text(c.issuer, m.issuer, 'center');
  text(c.title, m.title, 'center');
  text(c.number, m.body, 'center');
  if (input.copy) text(input.copy, m.body, 'center');
  gap(16);

  for (const b of c.blocks) {
    switch (b.kind) {
      case 'field':
        text(`${b.label}：${b.value}`, m.body);
        gap(6);
        break;
      case 'paragraph':
        text(`\u3000\u3000${b.text}`, m.body);
        gap(6);
        break;
      case 'photos':
        break;
      case 'signatures':
        gap(12);
        for (const slot of b.slots) {
          text(`${slot.label}：${slot.name}`, m.body);
          const img = slot.sha256 ? await input.image(slot.sha256) : null;
          if (img && img.height > 0) {
            const h = m.sigHeight;
            const w = Math.min(Math.round(inner * 0.6), Math.round((img.width / img.height) * h));
            const x = m.margin + 12;
            items.push({
              height: h,
              image: { x, width: w },
              draw: (g, y) => {
                g.imageSmoothingQuality = 'high';
                g.drawImage(img.source, x, y, w, h);
              },
            });
          }
          if (slot.note) text(slot.note, m.small, 'left', 12);
          text(`日期：${slot.date}`, m.small, 'left', 12);
          gap(10);
        }
        break;
    }
  }
  gap(16);
  text(`${c.issuer}\u3000${c.date}`, m.body, 'center');
  gap(16);

  const qr = encodeQr(input.verify.url, { ecc: 'M', border: 0 });
  const module = Math.max(2, Math.floor(m.qr / qr.size));
  const qrSize = module * qr.size;
  // Four modules of quiet zone above and below (the side margins are wider than that).
  const qrTop = items.reduce((h, i) => h + i.height, 0) + module * 4;
  gap(qrSize + module * 8);
  text(`核验码 ${input.verify.short}`, m.small, 'center');
  text(input.verify.url, m.small, 'center');
  gap(24);

  const height = Math.ceil(items.reduce((h, i) => h + i.height, 0) / 8) * 8;
  const canvas = input.canvas(m.width, height);
  const g = context(canvas);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, m.width, height);
  g.fillStyle = '#000';
  const images: { x: number; y: number; width: number; height: number }[] = [];
  let y = 0;
  for (const item of items) {
    item.draw?.(g, y);
    if (item.image)
      images.push({ x: item.image.x, y, width: item.image.width, height: item.height });
    y += item.height;
  }
  const bitmap = toBits(g.getImageData(0, 0, m.width, height).data, m.width, height, images);
  drawModules(bitmap, qr.data, Math.round((m.width - qrSize) / 2), qrTop, module);
  return bitmap;
}

function context(canvas: RasterCanvas): RasterContext {
  const g = canvas.getContext('2d');
  if (!g) throw new Error('no 2d canvas for the printer raster');
  return g;
}

/** Luminance (0 black … 255 white) of the RGBA pixel at index `i` (pixels, not bytes). */
function luma(rgba: Uint8ClampedArray, i: number): number {
  const p = i * 4;
  const a = (rgba[p + 3] as number) / 255;
  const l =
    0.299 * (rgba[p] as number) + 0.587 * (rgba[p + 1] as number) + 0.114 * (rgba[p + 2] as number);
  return 255 - a * (255 - l);
}

/**
 * RGBA to one bit per dot: half grey everywhere, Atkinson error diffusion inside the image
 * rectangles (error spread within the rectangle only, so text next to it stays crisp).
 */
export function toBits(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  images: { x: number; y: number; width: number; height: number }[] = [],
): Bitmap {
  if (width % 8 !== 0) throw new Error(`printer raster width ${width} is not a multiple of 8`);
  const stride = width / 8;
  const bits = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (luma(rgba, y * width + x) < 128) setBit(bits, stride, x, y);
    }
  }
  for (const r of images) ditherInto(bits, stride, rgba, width, height, r);
  return { width, height, bits };
}

function setBit(bits: Uint8Array, stride: number, x: number, y: number, on = true) {
  const i = y * stride + (x >> 3);
  const mask = 0x80 >> (x & 7);
  bits[i] = on ? (bits[i] as number) | mask : (bits[i] as number) & ~mask;
}

export function bitAt(b: Bitmap, x: number, y: number): boolean {
  return (((b.bits[y * (b.width / 8) + (x >> 3)] as number) >> (7 - (x & 7))) & 1) === 1;
}

/** The bitmap as opaque RGBA, black and white (what image encoders and decoders take). */
export function bitmapRgba(b: Bitmap): Uint8ClampedArray {
  const out = new Uint8ClampedArray(b.width * b.height * 4);
  for (let y = 0; y < b.height; y++) {
    for (let x = 0; x < b.width; x++) {
      const p = (y * b.width + x) * 4;
      const v = bitAt(b, x, y) ? 0 : 255;
      out[p] = v;
      out[p + 1] = v;
      out[p + 2] = v;
      out[p + 3] = 255;
    }
  }
  return out;
}

function ditherInto(
  bits: Uint8Array,
  stride: number,
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  r: { x: number; y: number; width: number; height: number },
) {
  const x0 = Math.max(0, r.x);
  const y0 = Math.max(0, r.y);
  const w = Math.min(width, r.x + r.width) - x0;
  const h = Math.min(height, r.y + r.height) - y0;
  if (w <= 0 || h <= 0) return;
  const grey = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) grey[y * w + x] = luma(rgba, (y0 + y) * width + x0 + x);
  const spread = (x: number, y: number, e: number) => {
    if (x >= 0 && x < w && y < h) grey[y * w + x] = (grey[y * w + x] as number) + e;
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const old = grey[y * w + x] as number;
      const black = old < 128;
      setBit(bits, stride, x0 + x, y0 + y, black);
      const e = (old - (black ? 0 : 255)) / 8;
      spread(x + 1, y, e);
      spread(x + 2, y, e);
      spread(x - 1, y + 1, e);
      spread(x, y + 1, e);
      spread(x + 1, y + 1, e);
      spread(x, y + 2, e);
    }
  }
}

/** A QR matrix into the bits: each module a `module`-dot square, black where the matrix is set. */
export function drawModules(
  b: Bitmap,
  matrix: boolean[][],
  left: number,
  top: number,
  module: number,
): void {
  const stride = b.width / 8;
  for (let r = 0; r < matrix.length; r++) {
    const row = matrix[r] as boolean[];
    for (let col = 0; col < row.length; col++) {
      const on = row[col] === true;
      for (let dy = 0; dy < module; dy++)
        for (let dx = 0; dx < module; dx++)
          setBit(b.bits, stride, left + col * module + dx, top + r * module + dy, on);
    }
  }
}
