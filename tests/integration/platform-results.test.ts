import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, consoleForm, consoleSession, tinyPng, uploadedRecord } from '../support/api';
import { query } from '../support/db';
import { DATABASES, freePort, startServer, type TestServer } from '../support/server';
import { DEMO_PLATFORM_KEY } from '$lib/server/demo/seed';
import {
  platformResultSchema,
  platformResultsResponseSchema,
  platformTaskDetailSchema,
  platformTaskResponseSchema,
  type PlatformResult,
} from '$lib/sync/contract';

/**
 * Results back to the city platform (issue 19, "results out"): a real server on each database,
 * a receiving server in a process of its own (killed with SIGKILL mid-delivery), and the
 * Patrolbook server itself killed mid-delivery and started again. The promise: every result
 * reaches the platform, signed, and is applied there exactly once.
 */

/** Fast retries for the test; production waits 10 s and doubles up to an hour. */
const WEBHOOK_ENV = {
  WEBHOOK_POLL_MS: '200',
  WEBHOOK_BACKOFF_MS: '300',
  WEBHOOK_BACKOFF_MAX_MS: '1000',
  WEBHOOK_TIMEOUT_MS: '3000',
};

type Receiver = { child: ChildProcess; output: () => string };

async function startReceiver(port: number, dir: string, mode: 'answer' | 'hang') {
  const child = spawn(
    process.execPath,
    ['tests/support/webhook-receiver.js', String(port), dir, mode],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await until(
    () => out.includes('ready'),
    10_000,
    () => `receiver did not start: ${out}`,
  );
  return { child, output: () => out } satisfies Receiver;
}

async function kill9(r: Receiver): Promise<void> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  const exited = new Promise((resolve) => r.child.once('exit', resolve));
  r.child.kill('SIGKILL');
  await exited;
}

async function until(
  ok: () => boolean | Promise<boolean>,
  ms: number,
  why: () => string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(why());
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A request as the receiver logged it. */
type Received = {
  method: string;
  path: string;
  eventId: string;
  event: string | null;
  signature: string | null;
  body: string;
};

const lines = <T = Received>(file: string): T[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T)
    : [];

describe.each(DATABASES)('results back to the city platform on %s', (db) => {
  let server: TestServer;
  let first: TestServer;
  let dir: string;
  let receiverPort: number;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    first = server = await startServer({
      db,
      env: { DEMO_SEED: '1', DEMO_RECORDS: '0', ...WEBHOOK_ENV },
    });
    dir = mkdtempSync(join(tmpdir(), 'patrolbook-receiver-'));
    receiverPort = await freePort();
  });
  afterAll(async () => {
    for (const r of receivers) await kill9(r);
    if (server !== first) await server?.halt();
    await first?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (caseId: string, key = DEMO_PLATFORM_KEY) =>
    fetch(`${server.url}/api/platform/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        caseId,
        source: 'citizen',
        place: { address: '六安市裕安区解放南路 18 号' },
        description: '群众举报：商户在门外摆放桌椅经营。',
        suspectedItemCode: 'SR-01',
        dueAt: '2026-12-20T18:00:00+08:00',
      }),
    }).then(async (r) => platformTaskResponseSchema.parse(await r.json()).task);
  const closeUnfounded = async (taskId: string, reason = '现场核查未发现占道经营') =>
    consoleForm(
      server.url,
      await consoleSession(server.url, 'supervisor1'),
      '/console/tasks?/close',
      {
        taskId,
        reason,
        photo: new Blob([Buffer.from(tinyPng(`close:${taskId}`))], { type: 'image/png' }),
      },
    );
  const pull = (after: number | string, key = DEMO_PLATFORM_KEY) =>
    fetch(`${server.url}/api/platform/results?after=${after}`, {
      headers: { authorization: `Bearer ${key}` },
    });
  const outbox = () =>
    query(server, (run) =>
      run(
        'select id, task_id, seq, delivered_at, delivered_via, attempts, last_error from task_results order by seq',
      ),
    );

  it('a platform that polls: results in order after its cursor, the cursor acknowledges them, a task shows its result; nothing of another system, bad cursors refused', async () => {
    // The demo closed one task as unfounded: its result waits for the platform.
    const firstPage = platformResultsResponseSchema.parse(await (await pull(0)).json());
    expect(firstPage.results.map((r) => r.outcome)).toEqual(['unfounded']);
    expect(firstPage.results[0]?.unfounded?.photo?.mime).toBe('image/png');

    const task = await send('PULL-0001');
    expect((await closeUnfounded(task.id)).text).toContain('"type":"success"');
    const second = platformResultsResponseSchema.parse(await (await pull(firstPage.cursor)).json());
    expect(second.results).toHaveLength(1);
    const result = second.results[0] as PlatformResult;
    expect(result).toMatchObject({
      caseId: 'PULL-0001',
      taskId: task.id,
      outcome: 'unfounded',
      record: null,
      unfounded: { reason: '现场核查未发现占道经营' },
    });
    expect(result.seq).toBeGreaterThan(firstPage.cursor);
    // Asking from the first cursor acknowledged the demo's result; the second waits.
    const rows = await outbox();
    expect(rows.map((r) => [r.delivered_via ?? null, r.delivered_at !== null])).toEqual([
      ['pull', true],
      [null, false],
    ]);
    // The same page again is the same bytes (the body is fixed when the result is made).
    const again = platformResultsResponseSchema.parse(await (await pull(firstPage.cursor)).json());
    expect(again.results).toEqual(second.results);
    // The task, polled by its case id, carries its result.
    const detail = platformTaskDetailSchema.parse(
      await (
        await fetch(`${server.url}/api/platform/tasks/PULL-0001`, {
          headers: { authorization: `Bearer ${DEMO_PLATFORM_KEY}` },
        })
      ).json(),
    );
    expect(detail.task.state).toBe('unfounded');
    expect(detail.result).toEqual(result);
    // The photo the result names, fetched by the platform with its key.
    const photoUrl = `${server.url}/api/platform/tasks/PULL-0001/photos/${result.unfounded?.photo?.sha256}`;
    const photo = await fetch(photoUrl, {
      headers: { authorization: `Bearer ${DEMO_PLATFORM_KEY}` },
    });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(
      Buffer.from(tinyPng(`close:${task.id}`)),
    );

    // Another system sees none of these; bad cursors and missing keys change nothing.
    const admin = await consoleSession(server.url, 'admin');
    const made = await consoleForm(server.url, admin, '/console/admin/systems?/create', {
      name: '另一个平台',
    });
    const otherKey = /pbk_[A-Za-z0-9_-]{43}/.exec(made.text)?.[0] ?? '';
    const other = platformResultsResponseSchema.parse(await (await pull(0, otherKey)).json());
    expect(other).toEqual({ results: [], cursor: 0, more: false });
    // Nor the photo of another system's task, nor a hash the task does not name.
    expect(
      (await fetch(photoUrl, { headers: { authorization: `Bearer ${otherKey}` } })).status,
    ).toBe(404);
    expect(
      (
        await fetch(`${server.url}/api/platform/tasks/PULL-0001/photos/${'0'.repeat(64)}`, {
          headers: { authorization: `Bearer ${DEMO_PLATFORM_KEY}` },
        })
      ).status,
    ).toBe(404);
    expect((await fetch(photoUrl)).status).toBe(401);
    expect((await pull(-1)).status).toBe(400);
    expect((await pull('abc')).status).toBe(400);
    expect((await fetch(`${server.url}/api/platform/results?after=0`)).status).toBe(401);
    expect((await outbox()).map((r) => r.delivered_at !== null)).toEqual([true, false]);
  });

  it('webhooks: every result delivered signed, once in effect, across a receiver killed mid-delivery; the console shows where each stands', async () => {
    // Results owed before the webhook is set are sent once it is.
    const hung = await startReceiver(receiverPort, dir, 'hang');
    receivers.push(hung);
    const admin = await consoleSession(server.url, 'admin');
    const [system] = await query(server, (run) =>
      run('select id from api_systems where name like $1', ['%演示%']),
    );
    const set = await consoleForm(server.url, admin, '/console/admin/systems?/webhook', {
      id: String(system?.id),
      url: `http://127.0.0.1:${receiverPort}/patrolbook/results`,
    });
    const secret = /whsec_[A-Za-z0-9_-]{43}/.exec(set.text)?.[0] ?? '';
    expect(secret).not.toBe('');
    // A bad address is refused and changes nothing.
    const bad = await consoleForm(server.url, admin, '/console/admin/systems?/webhook', {
      id: String(system?.id),
      url: 'ftp://example.org/x',
    });
    expect(bad.text).toContain('回传地址应为');
    const [kept] = await query(server, (run) =>
      run('select webhook_url, webhook_secret from api_systems where id = $1', [system?.id]),
    );
    expect(kept).toEqual({
      webhook_url: `http://127.0.0.1:${receiverPort}/patrolbook/results`,
      webhook_secret: secret,
    });
    // The secret is in no audit entry and not in the server's output.
    const audits = await query(server, (run) =>
      run("select detail from audit_log where action = 'apiSystem.webhook'"),
    );
    expect(audits).toHaveLength(1);
    expect(JSON.stringify(audits)).not.toContain(secret);

    // A record made from a task handles it: its result joins the queue.
    const task = await send('HOOK-0001');
    const sup = await consoleSession(server.url, 'supervisor1');
    const officer = new ApiClient(server.url);
    await officer.login('officer1');
    const pair = await query(server, (run) =>
      run("select id from users where username in ('officer1', 'officer2') order by username"),
    );
    await consoleForm(server.url, sup, '/console/tasks?/assign', {
      taskId: task.id,
      officer1: String(pair[0]?.id),
      officer2: String(pair[1]?.id),
    });
    const made = await uploadedRecord(officer, { taskId: task.id });
    expect((await officer.push([made.record])).body.results[0]?.status).toBe('accepted');

    // The receiver takes the first delivery and dies before answering.
    await until(
      () => hung.output().includes('got '),
      15_000,
      () => 'no delivery arrived',
    );
    const killedId = /got (\S+)/.exec(hung.output())?.[1] ?? '';
    await kill9(hung);
    await until(
      async () => (await outbox()).some((r) => r.id === killedId && r.last_error !== null),
      15_000,
      () => 'the cut delivery was not recorded as failed',
    );
    const failing = (await outbox()).find((r) => r.id === killedId);
    expect(failing?.delivered_at).toBeNull();
    const board = await (
      await fetch(`${server.url}/console/tasks?state=unfounded`, { headers: { cookie: sup } })
    ).text();
    expect(board).toMatch(/data-state="(retrying|pending)"/);

    // Back up: everything owed arrives, and each result is applied once.
    receivers.push(await startReceiver(receiverPort, dir, 'answer'));
    await until(
      async () => (await outbox()).every((r) => r.delivered_at !== null),
      20_000,
      () => 'results not delivered after the receiver came back',
    );
    const rows = await outbox();
    const received = lines(join(dir, 'received.jsonl'));
    const applied = lines(join(dir, 'applied.jsonl')).map((l) => l.eventId);
    const webhooked = rows.filter((r) => r.delivered_via === 'webhook').map((r) => String(r.id));
    // The two results owed when the webhook was set (the pull one was acknowledged already) and
    // the handled task's: each applied exactly once, the killed one received at least twice.
    expect(webhooked).toHaveLength(2);
    expect(applied.sort()).toEqual([...webhooked].sort());
    expect(received.filter((r) => r.eventId === killedId).length).toBeGreaterThanOrEqual(2);
    const handled = rows.find((r) => r.task_id === task.id);
    expect(handled?.delivered_via).toBe('webhook');

    // Every delivery is signed over its timestamp and body, with the secret; the event id is
    // the header's idempotency key and the body's, and every attempt carries the same body.
    for (const r of received) {
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(r.signature ?? '') ?? [];
      expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${r.body}`).digest('hex'));
      expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(300);
      const body = platformResultSchema.parse(JSON.parse(r.body));
      expect(body.eventId).toBe(r.eventId);
      expect(r.event).toBe(r.eventId);
      expect(r.path).toBe('/patrolbook/results');
    }
    const bodies = new Map<string, Set<string>>();
    for (const r of received)
      bodies.set(r.eventId, (bodies.get(r.eventId) ?? new Set()).add(r.body));
    expect([...bodies.values()].every((b) => b.size === 1)).toBe(true);
    const handledBody = platformResultSchema.parse(
      JSON.parse(received.find((r) => r.eventId === handled?.id)?.body ?? '{}'),
    );
    expect(handledBody).toMatchObject({
      caseId: 'HOOK-0001',
      outcome: 'handled',
      record: {
        id: made.record.id,
        itemCode: made.record.itemCode,
        decision: made.record.evaluation.branch,
        correction: made.record.answers.correction?.mode ?? null,
      },
      unfounded: null,
    });
    expect(handledBody.record?.correction).not.toBeNull();
    // Every confirmed document number of the record, and no other.
    expect(handledBody.record?.documents.map((d) => d.number).sort()).toEqual(
      made.record.documents
        .filter((d) => !d.provisional)
        .map((d) => d.number)
        .sort(),
    );
    // Nothing of the party leaves the bureau.
    const party = made.record.party;
    if (party.kind === 'person') {
      expect(JSON.stringify(handledBody)).not.toContain(party.name);
      if (party.idNumber) expect(JSON.stringify(handledBody)).not.toContain(party.idNumber);
    }

    // The console: delivered, by push.
    const done = await (
      await fetch(`${server.url}/console/tasks?state=handled`, { headers: { cookie: sup } })
    ).text();
    expect(done).toContain('data-state="delivered"');
  });

  it('a server killed mid-delivery and started again delivers what it owed, still once in effect', async () => {
    const before = lines(join(dir, 'applied.jsonl')).length;
    for (const r of receivers) await kill9(r);
    const hung = await startReceiver(receiverPort, dir, 'hang');
    receivers.push(hung);
    const task = await send('RESTART-0001');
    expect((await closeUnfounded(task.id)).text).toContain('"type":"success"');
    await until(
      () => hung.output().includes('got '),
      15_000,
      () => 'no delivery arrived',
    );
    const inFlight = /got (\S+)/.exec(hung.output())?.[1] ?? '';
    // kill -9 of Patrolbook while its delivery holds the lease; the receiver goes too.
    await server.crash();
    await kill9(hung);
    const owed = await outbox();
    expect(owed.find((r) => r.id === inFlight)?.delivered_at).toBeNull();

    receivers.push(await startReceiver(receiverPort, dir, 'answer'));
    server = await startServer({
      db,
      dataDir: first.dataDir,
      ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}),
      env: { DEMO_SEED: '1', DEMO_RECORDS: '0', ...WEBHOOK_ENV },
    });
    // The lease the killed process held expires (twice the timeout), then the result goes again.
    await until(
      async () => (await outbox()).every((r) => r.delivered_at !== null),
      30_000,
      () => 'the restarted server did not deliver what it owed',
    );
    const applied = lines(join(dir, 'applied.jsonl')).map((l) => l.eventId);
    expect(applied).toHaveLength(before + 1);
    expect(applied.at(-1)).toBe(inFlight);
    expect(new Set(applied).size).toBe(applied.length);
  });

  it('a platform that hangs holds up no other: results of another system go while its delivery waits for the timeout', async () => {
    const admin = await consoleSession(server.url, 'admin');
    const made = await consoleForm(server.url, admin, '/console/admin/systems?/create', {
      name: '县区平台（无应答）',
    });
    const key = /pbk_[A-Za-z0-9_-]{43}/.exec(made.text)?.[0] ?? '';
    const [other] = await query(server, (run) =>
      run('select id from api_systems where name = $1', ['县区平台（无应答）']),
    );
    const port = await freePort();
    const otherDir = mkdtempSync(join(tmpdir(), 'patrolbook-receiver-'));
    const silent = await startReceiver(port, otherDir, 'hang');
    receivers.push(silent);
    await consoleForm(server.url, admin, '/console/admin/systems?/webhook', {
      id: String(other?.id),
      url: `http://127.0.0.1:${port}/results`,
    });
    // The silent platform's result goes out and waits for an answer that never comes.
    const theirs = await send('SILENT-0001', key);
    expect((await closeUnfounded(theirs.id)).text).toContain('"type":"success"');
    await until(
      () => silent.output().includes('got '),
      15_000,
      () => 'no delivery arrived',
    );
    // Meanwhile a task of the demo platform (answering) is closed: its result is delivered
    // before the silent platform's attempt has even ended.
    const ours = await send('SIDE-0001');
    expect((await closeUnfounded(ours.id)).text).toContain('"type":"success"');
    const row = async (taskId: string) =>
      (
        await query(server, (run) =>
          run('select delivered_at, last_attempt_at from task_results where task_id = $1', [
            taskId,
          ]),
        )
      )[0];
    await until(
      async () => (await row(ours.id))?.delivered_at != null,
      15_000,
      () => 'the answering platform waited for the silent one',
    );
    const delivered = String((await row(ours.id))?.delivered_at);
    const stuck = await row(theirs.id);
    expect(stuck?.delivered_at).toBeNull();
    // Its first attempt ends only at its timeout: still open, or ended after ours was delivered.
    const ended = stuck?.last_attempt_at;
    expect(typeof ended !== 'string' || delivered < ended).toBe(true);
    rmSync(otherDir, { recursive: true, force: true });
  });
});
