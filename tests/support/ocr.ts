import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** What tesseract (Debian's, with its simplified-Chinese model) reads on a printed page. */
export function ocrChinese(page: Page): string {
  const dir = mkdtempSync(join(tmpdir(), 'pb-ocr-'));
  try {
    const file = join(dir, 'page.pbm');
    writeFileSync(file, pbm(page));
    return execFileSync('tesseract', [file, 'stdout', '-l', 'chi_sim', '--psm', '6'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
