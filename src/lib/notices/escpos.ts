import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { bitmapRgba, type Bitmap, type Paper } from './raster';

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
  const rgba = bitmapRgba(bitmap);
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
