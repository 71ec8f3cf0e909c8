// The "no checks" peer of the ingest benchmark (issue 18): Fastify and better-sqlite3, WAL with
// synchronous NORMAL like Patrolbook, one row per record in one transaction per push, nothing
// validated, no authentication. A floor for "an HTTP server that stores what it is sent".
//   node bench/peers/minimal-server.js <port> <data dir>
import { join } from 'node:path';
import Fastify from 'fastify';
import SQLite from 'better-sqlite3';

const [port, dir] = process.argv.slice(2);
const db = new SQLite(join(dir, 'minimal.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(
  'create table if not exists records (id text not null, version integer not null, body text not null, primary key (id, version))',
);
const insert = db.prepare('insert or ignore into records (id, version, body) values (?, ?, ?)');
const store = db.transaction((records) => {
  for (const r of records) insert.run(r.id, r.version, JSON.stringify(r));
});

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.post('/push', async (req) => {
  const records = req.body.records;
  store(records);
  return { results: records.map((r) => ({ status: 'accepted', id: r.id, version: r.version })) };
});
app.get('/health', async () => ({ ok: true }));
await app.listen({ port: Number(port), host: '127.0.0.1' });
for (const s of ['SIGINT', 'SIGTERM'])
  process.on(s, () => {
    void app.close().then(() => {
      db.close();
      process.exit(0);
    });
  });
