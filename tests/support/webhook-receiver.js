// A city platform's receiving end for result webhooks, as a process of its own so a test can
// kill it with SIGKILL mid-delivery. Usage: node webhook-receiver.js <port> <dir> <answer|hang>
// Every request is appended to <dir>/received.jsonl (headers that matter and the raw body);
// in "answer" mode an event is applied once (appended to <dir>/applied.jsonl unless its
// idempotency key is there already) and answered 200; in "hang" mode the request is read,
// "got <event id>" is printed, and no answer ever comes.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [port = '0', dir = '.', mode = 'answer'] = process.argv.slice(2);
const received = join(dir, 'received.jsonl');
const applied = join(dir, 'applied.jsonl');
const appliedIds = () =>
  existsSync(applied)
    ? readFileSync(applied, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => /** @type {{ eventId: string }} */ (JSON.parse(l)).eventId)
    : [];

createServer((req, res) => {
  /** @type {Buffer[]} */
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const eventId = String(req.headers['idempotency-key'] ?? '');
    appendFileSync(
      received,
      JSON.stringify({
        method: req.method,
        path: req.url,
        eventId,
        event: req.headers['x-patrolbook-event'] ?? null,
        signature: req.headers['x-patrolbook-signature'] ?? null,
        body,
      }) + '\n',
    );
    if (mode === 'hang') {
      process.stdout.write(`got ${eventId}\n`);
      return;
    }
    const duplicate = appliedIds().includes(eventId);
    if (!duplicate) appendFileSync(applied, JSON.stringify({ eventId }) + '\n');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, duplicate }));
  });
}).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
