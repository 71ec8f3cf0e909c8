import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pbm, type Page } from './escpos';

/** Rows `from`..`to` of a printed page, as a page of its own. */
export function crop(page: Page, from: number, to: number): Page {
  const stride = page.width / 8;
  const end = Math.min(page.height, to);
  return {
    width: page.width,
    height: end - from,
    bits: page.bits.slice(from * stride, end * stride),
    feeds: 0,
  };
}

/**
 * The header of a printed notice: the rows down to the first band of at least `band` blank rows
 * after some ink (issuer, title, number and copy label sit closer together than that).
 */
export function headerOf(page: Page, band = 20): Page {
  const stride = page.width / 8;
  let inked = false;
  let blank = 0;
  for (let y = 0; y < page.height; y++) {
    const row = page.bits.subarray(y * stride, (y + 1) * stride);
    if (row.some((b) => b !== 0)) {
      inked = true;
      blank = 0;
    } else if (inked && ++blank >= band) return crop(page, 0, y);
  }
  return page;
}

/**
 * What tesseract (Debian's, with its simplified-Chinese model) reads on a printed page. One
 * process per page, so pages can be read two at a time on two cores.
 */
export async function ocrChinese(page: Page): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pb-ocr-'));
  try {
    const file = join(dir, 'page.pbm');
    await writeFile(file, pbm(page));
    const { stdout } = await promisify(execFile)(
      'tesseract',
      [file, 'stdout', '-l', 'chi_sim', '--psm', '6'],
      { encoding: 'utf8' },
    );
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * OCR text and printed text made comparable: no spaces, one form of each bracket (tesseract
 * reads the number's 〔 〕 as any of them, sometimes doubled), and 一 as a dash. Every other
 * character must match.
 */
export function normaliseOcr(s: string): string {
  return s
    .replace(/\s+/g, '')
    .replace(/[-—－_]/g, '一')
    .replace(/[（(〔［[【《]+/g, '(')
    .replace(/[）)〕］\]】》]+/g, ')');
}
