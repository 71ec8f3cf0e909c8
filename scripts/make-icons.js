// Renders static/icons/*.svg to the PNG sizes the web app manifest needs, with Debian's Chromium.
// Run by hand after editing the SVGs: node scripts/make-icons.js
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './lib/chromium.js';

const jobs = [
  ['icon.svg', 'icon-192.png', 192],
  ['icon.svg', 'icon-512.png', 512],
  ['maskable.svg', 'maskable-512.png', 512],
];

const browser = await chromium.launch({
  executablePath: chromiumPath(),
  headless: true,
  args: chromiumArgs,
});
try {
  for (const [svg, png, size] of jobs) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const markup = readFileSync(new URL(`../static/icons/${svg}`, import.meta.url), 'utf8');
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${markup.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
    );
    await page.screenshot({
      path: new URL(`../static/icons/${png}`, import.meta.url).pathname,
      omitBackground: true,
    });
    await page.close();
  }
} finally {
  await browser.close();
}
