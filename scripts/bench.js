#!/usr/bin/env node
// `npm run bench [part ...]`: measures the figures of docs/PERFORMANCE.md, each next to a baseline
// taken in the same run, prints one table and writes bench/results/<time>.json and latest.json.
// Parts: ingest checks upload list lookup save photo documents printer startup klm (default:
// all); checks times the server's checks of one pushed record piece by piece;
// klm drives the four standard cases of issue 17 in Chromium and times them by the
// keystroke-level model; ingest also
// pushes the same records to pouchdb-server and a minimal no-check server (bench/peers/). Not run
// by CI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ensureBrowserTools, ensurePostgres } from './lib/provision.js';

const ALL = [
  'ingest',
  'checks',
  'upload',
  'list',
  'lookup',
  'ledger',
  'save',
  'photo',
  'documents',
  'printer',
  'startup',
  'klm',
];
const requested = process.argv.slice(2);
for (const p of requested) {
  if (!ALL.includes(p)) {
    console.error(`unknown part "${p}"; choose from ${ALL.join(', ')}`);
    process.exit(2);
  }
}
const parts = requested.length ? requested : ALL;
const env = { ...process.env, BENCH_PARTS: parts.join(',') };
const log = (m) => console.log(`[bench] ${m}`);
const started = Date.now();

const tools = ensureBrowserTools(log);
if (tools.chromium) env.CHROMIUM_PATH = tools.chromium;
const pg = ensurePostgres(log);
if (pg.url) env.TEST_DATABASE_URL = pg.url;
else log(`PostgreSQL figures SKIPPED: ${pg.reason}`);

const run = (args) => {
  const r = spawnSync('npx', args, { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (process.env.BENCH_SKIP_BUILD !== '1') {
  log('building the app');
  run(['vite', 'build', '--logLevel', 'warn']);
}
env.PB_BUILD_FRESH = '1';
if (parts.some((p) => ['lookup', 'save', 'photo', 'ledger', 'printer'].includes(p))) {
  log('building the browser benchmark bundle');
  run(['vite', 'build', '-c', 'bench/client/vite.config.ts', '--logLevel', 'warn']);
}

const dir = 'bench/results';
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) if (f.endsWith('.json.tmp')) rmSync(`${dir}/${f}`);
const result = spawnSync('npx', ['vitest', 'run', '--project', 'bench'], { stdio: 'inherit', env });

const rows = readdirSync(dir)
  .filter((f) => f.endsWith('.json.tmp'))
  .sort((a, b) => ALL.indexOf(a.slice(5, -9)) - ALL.indexOf(b.slice(5, -9)))
  .flatMap((f) => JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')));
for (const f of readdirSync(dir)) if (f.endsWith('.json.tmp')) rmSync(`${dir}/${f}`);

const fmt = (n) =>
  n === null || n === undefined
    ? '—'
    : Math.abs(n) >= 100
      ? n.toFixed(0)
      : Math.abs(n) >= 10
        ? n.toFixed(1)
        : n.toFixed(2);
const table = [['part', 'figure', 'value', 'baseline', 'ratio', 'note']].concat(
  rows.map((r) => [
    r.part,
    r.figure,
    `${fmt(r.value)} ${r.unit}`,
    `${fmt(r.baseline)} (${r.baselineLabel})`,
    r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
    r.note ?? '',
  ]),
);
const widths = table[0].map((_, i) =>
  Math.min(70, Math.max(...table.map((r) => String(r[i]).length))),
);
console.log('');
for (const [i, r] of table.entries()) {
  console.log(r.map((c, j) => String(c).slice(0, 70).padEnd(widths[j])).join(' | '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
}
const meta = {
  at: new Date().toISOString(),
  seconds: Math.round((Date.now() - started) / 1000),
  node: process.version,
  parts,
  postgres: Boolean(pg.url),
  rows,
};
const stamp = meta.at.replace(/[:.]/g, '-');
writeFileSync(`${dir}/${stamp}.json`, JSON.stringify(meta, null, 2) + '\n');
writeFileSync(`${dir}/latest.json`, JSON.stringify(meta, null, 2) + '\n');
log(`${rows.length} figures in ${meta.seconds} s -> ${dir}/${stamp}.json`);
if (!existsSync(`${dir}/latest.json`)) process.exit(1);
process.exit(result.status ?? 1);
