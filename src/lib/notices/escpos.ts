import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import type { Bitmap, Paper } from './raster';

/**
 * One printed copy of a notice as ESC/POS commands: initialise, the raster image (GS v 0, in
 * strips of at most 255 rows, which the encoder makes), feed past the tear bar, partial cut (a
 * printer without a cutter ignores it). The bitmap is already one bit per dot: the encoder's
 * threshold keeps it as it is.
 */
export function escposCopy(bitmap: Bitmap, paper: Paper): Uint8Array {
  const encoder = new ReceiptPrinterEncoder({
    language: 'esc-pos',
    imageMode: 'raster',
    columns: paper === '58mm' ? 32 : 48,
  });
  const rgba = new Uint8ClampedArray(bitmap.width * bitmap.height * 4);
  const stride = bitmap.width / 8;
  for (let y = 0; y < bitmap.height; y++) {
    for (let x = 0; x < bitmap.width; x++) {
      const black = ((bitmap.bits[y * stride + (x >> 3)] as number) >> (7 - (x & 7))) & 1;
      const p = (y * bitmap.width + x) * 4;
      const v = black ? 0 : 255;
      rgba[p] = v;
      rgba[p + 1] = v;
      rgba[p + 2] = v;
      rgba[p + 3] = 255;
    }
  }
  return encoder
    .initialize()
    .image(
      { data: rgba, width: bitmap.width, height: bitmap.height },
      bitmap.width,
      bitmap.height,
      'threshold',
      128,
    )
    .newline(4)
    .cut('partial')
    .encode();
}
