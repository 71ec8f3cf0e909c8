#!/usr/bin/env node
// Initial JS and CSS of a prerendered page, gzipped: every module the page preloads or imports
// at start (SvelteKit lists them as modulepreload links), and its stylesheets.
//   node scripts/bundle-size.js [page.html ...]   (default: build/prerendered/index.html)
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export function initialBytes(htmlFile) {
  const html = readFileSync(htmlFile, 'utf8');
  const urls = new Set(
    [...html.matchAll(/["(](\/_app\/immutable\/[^"')]+\.(?:js|css))["')]/g)].map((m) => m[1]),
  );
  let js = 0;
  let css = 0;
  for (const u of urls) {
    const gz = gzipSync(readFileSync(`build/client${u}`), { level: 9 }).length;
    if (u.endsWith('.css')) css += gz;
    else js += gz;
  }
  return { files: urls.size, js, css };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  for (const f of files.length ? files : ['build/prerendered/index.html']) {
    const r = initialBytes(f);
    console.log(
      `${f}: ${r.files} files, JS ${(r.js / 1024).toFixed(1)} KB gz, CSS ${(r.css / 1024).toFixed(1)} KB gz`,
    );
  }
}
