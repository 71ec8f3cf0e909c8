import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Integration and browser suites drive the built server. `npm test` builds once before Vitest
 * starts (PB_BUILD_FRESH=1); a suite run on its own builds here when there is no build or when
 * any source is newer than it, so a test never drives yesterday's code.
 */

const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];

/** The newest modification time under `path` (a file or a directory). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

export function buildIsStale(): boolean {
  if (!existsSync('build/index.js')) return true;
  const built = statSync('build/index.js').mtimeMs;
  return SOURCES.some((p) => newest(p) > built);
}

export default function setup() {
  if (process.env.PB_BUILD_FRESH === '1' && existsSync('build/index.js')) return;
  if (process.env.PB_REBUILD !== '1' && !buildIsStale()) return;
  console.log('[test] the build is missing or older than the sources: building (vite build)');
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build failed');
}
