#!/usr/bin/env node
// Provisions the test environment and prints `export TEST_DATABASE_URL=...` for a shell to eval.
import { ensureBrowserTools, ensurePostgres } from './lib/provision.js';

const log = (m) => console.error(`[provision] ${m}`);
const tools = ensureBrowserTools(log);
log(
  `chromium: ${tools.chromium ?? 'MISSING'}, poppler-utils: ${tools.poppler ? 'ok' : 'MISSING'}, wqy font: ${tools.font ? 'ok' : 'MISSING'}`,
);
const pg = ensurePostgres(log);
if (pg.url) {
  log('postgresql: ready');
  console.log(`export TEST_DATABASE_URL='${pg.url}'`);
} else {
  log(`postgresql: MISSING (${pg.reason})`);
  process.exitCode = 1;
}
if (!tools.chromium || !tools.poppler || !tools.font) process.exitCode = 1;
