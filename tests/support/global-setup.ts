import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Integration and browser suites drive the built server. `npm test` builds once before Vitest
 * starts (PB_BUILD_FRESH=1); a suite run on its own builds here if no build exists yet.
 */
export default function setup() {
  if (process.env.PB_BUILD_FRESH === '1' && existsSync('build/index.js')) return;
  if (existsSync('build/index.js') && process.env.PB_REBUILD !== '1') return;
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build failed');
}
