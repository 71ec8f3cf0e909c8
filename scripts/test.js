#!/usr/bin/env node
// `npm test`: every suite. Provisions what it can (Chromium, poppler-utils, fonts, PostgreSQL;
// root on Debian), builds the app once, then runs Vitest's unit, integration, faults and browser
// projects. Anything that cannot run is named loudly; with REQUIRE_ALL_SUITES=1 (CI) it fails.
//
//   node scripts/test.js                 all suites
//   node scripts/test.js integration     one suite (unit | integration | faults | browser)
//   node scripts/test.js integration tests/integration/generative.test.ts   one file of it
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBrowserTools, ensurePostgres } from './lib/provision.js';

const ALL = ['unit', 'integration', 'faults', 'browser'];
const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('-') && a.includes('/'));
const requested = args.filter((a) => !a.startsWith('-') && !a.includes('/'));
const extra = args.filter((a) => a.startsWith('-'));
for (const s of requested) {
  if (!ALL.includes(s)) {
    console.error(`unknown suite "${s}"; choose from ${ALL.join(', ')}`);
    process.exit(2);
  }
}
const suites = requested.length > 0 ? requested : ALL;
const strict = process.env.REQUIRE_ALL_SUITES === '1';
const log = (m) => console.log(`[test] ${m}`);
const skipped = [];
const env = { ...process.env, TZ: process.env.TZ ?? 'UTC' };

function loud(message) {
  const bar = '!'.repeat(78);
  console.log(`\n${bar}\n!! SKIPPED: ${message}\n${bar}\n`);
}

const needsServer = suites.some((s) => s !== 'unit');
if (needsServer) {
  const tools = ensureBrowserTools(log);
  if (tools.chromium) env.CHROMIUM_PATH = tools.chromium;
  if (!tools.poppler) env.PB_NO_POPPLER = '1';
  if (suites.includes('browser') && !tools.chromium) {
    skipped.push(
      'browser suite: no Chromium (install Debian package "chromium" or set CHROMIUM_PATH)',
    );
  }
  if (suites.includes('browser') && tools.chromium && !tools.ocr) {
    skipped.push(
      'Bluetooth printing test (tests/browser/printing.test.ts) will FAIL: no tesseract with ' +
        'chi_sim (install Debian packages "tesseract-ocr tesseract-ocr-chi-sim")',
    );
  }
  if (suites.includes('integration') && !tools.poppler) {
    skipped.push('PDF text checks: no poppler-utils (pdftotext, pdffonts)');
  }
  if (suites.includes('integration') || suites.includes('faults')) {
    const pg = ensurePostgres(log);
    if (pg.url) env.TEST_DATABASE_URL = pg.url;
    else skipped.push(`integration and fault suites on PostgreSQL: ${pg.reason}`);
  }
}

for (const s of skipped) loud(s);
if (strict && skipped.length > 0) {
  console.error('REQUIRE_ALL_SUITES=1 and a suite cannot run: failing.');
  process.exit(1);
}

const projects = suites.filter((s) => !(s === 'browser' && !env.CHROMIUM_PATH));
if (projects.length === 0) {
  // Vitest with no --project would run every project, benchmarks included: run nothing instead.
  console.log('\nNothing to run: every requested suite was skipped (see above).');
  process.exit(0);
}
if (projects.some((p) => p !== 'unit')) {
  log('building the app (vite build)');
  // Building must not open a database: point DATA_DIR at a path that must still not exist after.
  const parent = mkdtempSync(join(tmpdir(), 'patrolbook-build-'));
  const untouched = join(parent, 'data');
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
    stdio: 'inherit',
    env: { ...env, DATA_DIR: untouched },
  });
  const opened = existsSync(untouched);
  rmSync(parent, { recursive: true, force: true });
  if (build.status !== 0) process.exit(build.status ?? 1);
  if (opened) {
    console.error(`[test] the build created ${untouched}: server start-up ran while building`);
    process.exit(1);
  }
  env.PB_BUILD_FRESH = '1';
}

log(
  `running: ${projects.join(', ')}${env.TEST_DATABASE_URL ? ' (SQLite and PostgreSQL)' : ' (SQLite only)'}`,
);
const vitest = ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), ...extra, ...files];
const result = spawnSync('npx', vitest, { stdio: 'inherit', env });

if (skipped.length > 0) {
  console.log('\nSuites NOT run in this invocation:');
  for (const s of skipped) console.log(`  - ${s}`);
}
process.exit(result.status ?? 1);
