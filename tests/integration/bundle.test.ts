import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialBytes } from '../../scripts/bundle-size.js';

describe('officer app bundle', () => {
  it('loads at most 170 KB of JavaScript (gzipped) before jsPDF and the font, which load lazily', () => {
    expect(existsSync('build/prerendered/index.html')).toBe(true);
    const r = initialBytes('build/prerendered/index.html');
    console.log(
      `officer app initial JS ${(r.js / 1024).toFixed(1)} KB gz, CSS ${(r.css / 1024).toFixed(1)} KB gz`,
    );
    expect(r.js).toBeLessThanOrEqual(170 * 1024);
    expect(r.js).toBeGreaterThan(10 * 1024); // the measurement found the app's modules
  });
});
