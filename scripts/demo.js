#!/usr/bin/env node
// `npm run demo`: builds the app and serves it at http://localhost:3000 on the embedded SQLite
// database in ./data, seeding demo squads, users and six months of records into an empty data
// directory (an existing one is never touched). Credentials are printed by the server at start.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

console.log('[demo] building (vite build)…');
const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

mkdirSync('data', { recursive: true });
const env = {
  ...process.env,
  PORT: process.env.PORT ?? '3000',
  HOST: process.env.HOST ?? '0.0.0.0',
  DATA_DIR: process.env.DATA_DIR ?? './data',
  DEMO_SEED: '1',
  ORIGIN: process.env.ORIGIN ?? `http://localhost:${process.env.PORT ?? '3000'}`,
};
console.log(`[demo] starting on http://localhost:${env.PORT} (data in ${env.DATA_DIR})`);
const server = spawn(process.execPath, ['scripts/start.js'], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
