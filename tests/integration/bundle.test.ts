import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialBytes } from '../../scripts/bundle-size.js';

describe('officer app bundle', () => {
  it('loads at most 120 KB of JavaScript (gzipped) before the home screen, jsPDF and the font, which load beside it', () => {
    expect(existsSync('build/prerendered/index.html')).toBe(true);
    const r = initialBytes('build/prerendered/index.html');
    console.log(
      `officer app initial JS ${(r.js / 1024).toFixed(1)} KB gz, CSS ${(r.css / 1024).toFixed(1)} KB gz`,
    );
    expect(r.js).toBeLessThanOrEqual(120 * 1024);
    expect(r.js).toBeGreaterThan(10 * 1024); // the measurement found the app's modules
  });

  it('starts without zod, the record builder or the notice templates (they load beside the PIN screen)', () => {
    const html = readFileSync('build/prerendered/index.html', 'utf8');
    const files = [
      ...new Set([...html.matchAll(/["(](\/_app\/immutable\/[^"')]+\.js)["')]/g)].map((m) => m[1])),
    ];
    expect(files.length).toBeGreaterThan(5);
    const code = files.map((f) => readFileSync(`build/client${f}`, 'utf8')).join('\n');
    // zod's error class, a notice template's wording, the record builder's stand-in id.
    for (const marker of ['ZodError', '身份不明（', '00000000-0000-7000-8000-000000000000'])
      expect(code.includes(marker), marker).toBe(false);
  });
});
