#!/usr/bin/env node
// `npm start`: serves the built app (build/). Sets adapter-node's request body limit above the
// largest body the API accepts (evidence files up to MAX_BLOB_BYTES, 15 MB by default); each
// endpoint enforces its own, smaller limit.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// PB_BUILD_DIR serves another build (tests copy the build to simulate a new release).
const buildDir = process.env.PB_BUILD_DIR
  ? pathToFileURL(resolve(process.env.PB_BUILD_DIR) + '/')
  : new URL('../build/', import.meta.url);
if (!existsSync(new URL('index.js', buildDir))) {
  console.error('Patrolbook cannot start: no build found. Run `npm run build` first.');
  process.exit(1);
}
const maxBlob = Number(process.env.MAX_BLOB_BYTES ?? 15 * 1024 * 1024);
process.env.BODY_SIZE_LIMIT ??= String(
  Number.isFinite(maxBlob) ? maxBlob + 1024 * 1024 : 16 * 1024 * 1024,
);
await import(new URL('index.js', buildDir).href);
