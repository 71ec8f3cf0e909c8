#!/usr/bin/env node
// `npm start`: serves the built app (build/) with adapter-node's request handler.
//
// - Request body limit: adapter-node's BODY_SIZE_LIMIT is set to the largest body any endpoint
//   accepts (the console's import of a phone's export file, 200 MB); every endpoint enforces its
//   own, smaller limit before buffering.
// - Origin: this process speaks plain HTTP. Unless ORIGIN or PROTOCOL_HEADER is configured (as
//   behind a TLS proxy), requests are marked as http so SvelteKit's CSRF check accepts the
//   console's form posts from whatever host name the browser used (localhost, a LAN address).
import { existsSync } from 'node:fs';
import http from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// PB_BUILD_DIR serves another build (tests copy the build to simulate a new release).
const buildDir = process.env.PB_BUILD_DIR
  ? pathToFileURL(resolve(process.env.PB_BUILD_DIR) + '/')
  : new URL('../build/', import.meta.url);
if (!existsSync(new URL('handler.js', buildDir))) {
  console.error('Patrolbook cannot start: no build found. Run `npm run build` first.');
  process.exit(1);
}

const maxBlob = Number(process.env.MAX_BLOB_BYTES ?? 15 * 1024 * 1024);
const IMPORT_LIMIT = 200 * 1024 * 1024;
process.env.BODY_SIZE_LIMIT ??= String(
  Math.max(Number.isFinite(maxBlob) ? maxBlob + 1024 * 1024 : 0, IMPORT_LIMIT + 1024 * 1024),
);
const PLAIN_HTTP = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
const MARK = 'x-patrolbook-protocol';
if (PLAIN_HTTP) process.env.PROTOCOL_HEADER = MARK;

// Imported after the environment is final: adapter-node reads it when the module loads, and the
// app validates its configuration then (a wrong PORT or DATABASE_URL stops it here).
const { handler } = await import(new URL('handler.js', buildDir).href);

const host = process.env.HOST || '0.0.0.0';
const port = Number(process.env.PORT || 3000);
const server = http.createServer((req, res) => {
  if (PLAIN_HTTP) req.headers[MARK] = 'http';
  handler(req, res, () => {
    res.statusCode = 404;
    res.end('Not found');
  });
});
server.listen(port, host, () => {
  console.log(`Listening on http://${host}:${port}`);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
