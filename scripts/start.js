#!/usr/bin/env node
// `npm start`: serves the built app (build/). Sets adapter-node's request body limit above the
// largest body the API accepts (evidence files up to MAX_BLOB_BYTES, 15 MB by default); each
// endpoint enforces its own, smaller limit.
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../build/index.js', import.meta.url))) {
  console.error('Patrolbook cannot start: no build found. Run `npm run build` first.');
  process.exit(1);
}
const maxBlob = Number(process.env.MAX_BLOB_BYTES ?? 15 * 1024 * 1024);
process.env.BODY_SIZE_LIMIT ??= String(
  Number.isFinite(maxBlob) ? maxBlob + 1024 * 1024 : 16 * 1024 * 1024,
);
await import('../build/index.js');
