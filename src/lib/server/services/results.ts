import { createHmac, randomBytes } from 'node:crypto';
import { uuidv7 } from '$lib/domain/uuid';
import { deliveryStateOf, type DeliveryState } from '$lib/domain/lifecycle';
import { DOC_TYPES } from '$lib/domain/record';
import { platformResultSchema, type PlatformResult } from '$lib/sync/contract';
import type { Db, Tx } from '../db/db';
import { nextCounter } from '../db/db';
import { HttpError } from '../http';
import { audit } from '../repos/audit';

/**
 * Results back to the city platform (issue 19, ADR 0023). Closing a task (a record handled it, or
 * a supervisor closed it as unfounded) writes its result to an outbox in the same transaction:
 * the body is fixed then, with an event id that stays the same on every delivery (the platform's
 * idempotency key) and a sequence number from the database's counter (the pull feed's order,
 * which follows commit order). A deliverer posts the results of systems with a webhook, signed
 * with HMAC-SHA256 over the timestamp and body, and tries again with backoff until the platform
 * answers 2xx; a platform without a webhook pulls them, and its cursor acknowledges them.
 */

type TaskRow = {
  id: string;
  system_id: string;
  case_id: string;
  squad_id: string | null;
};

const DOC_TYPE_SET = new Set<string>(DOC_TYPES);

/** Queues the result of a task just closed, in the transaction that closed it. */
export async function queueResult(
  tx: Tx,
  task: TaskRow,
  outcome:
    | { kind: 'handled'; recordId: string; at: string }
    | {
        kind: 'unfounded';
        reason: string;
        photo: { sha256: string; mime: string } | null;
        at: string;
      },
): Promise<void> {
  const system = await tx
    .selectFrom('api_systems')
    .select(['webhook_url'])
    .where('id', '=', task.system_id)
    .executeTakeFirst();
  let record: PlatformResult['record'] = null;
  let squadId = task.squad_id;
  if (outcome.kind === 'handled') {
    const r = await tx
      .selectFrom('records')
      .select(['id', 'item_code', 'found_at', 'branch', 'correction_mode', 'deadline', 'squad_id'])
      .where('id', '=', outcome.recordId)
      .executeTakeFirstOrThrow();
    // Numbers still provisional may yet change: only confirmed ones leave the bureau.
    const documents = await tx
      .selectFrom('documents')
      .select(['doc_type', 'number'])
      .where('record_id', '=', r.id)
      .where('provisional', '=', 0)
      .orderBy('number')
      .execute();
    squadId = r.squad_id;
    record = {
      id: r.id,
      itemCode: r.item_code,
      foundAt: r.found_at,
      decision: r.branch,
      correction:
        r.correction_mode === 'onTheSpot' || r.correction_mode === 'deadline'
          ? r.correction_mode
          : null,
      deadline: r.deadline,
      documents: documents
        .filter((d) => DOC_TYPE_SET.has(d.doc_type))
        .map((d) => ({
          docType: d.doc_type as (typeof DOC_TYPES)[number],
          number: d.number,
        })),
    };
  }
  const squad = squadId
    ? await tx.selectFrom('squads').select('name').where('id', '=', squadId).executeTakeFirst()
    : undefined;
  const seq = await nextCounter(tx, 'task_results');
  const id = uuidv7();
  const body = platformResultSchema.parse({
    eventId: id,
    seq,
    caseId: task.case_id,
    taskId: task.id,
    outcome: outcome.kind,
    closedAt: outcome.at,
    squad: squad?.name ?? null,
    record,
    unfounded:
      outcome.kind === 'unfounded' ? { reason: outcome.reason, photo: outcome.photo } : null,
  } satisfies PlatformResult);
  await tx
    .insertInto('task_results')
    .values({
      seq,
      id,
      system_id: task.system_id,
      task_id: task.id,
      body: JSON.stringify(body),
      created_at: outcome.at,
      next_attempt_at: system?.webhook_url ? outcome.at : null,
    })
    .execute();
}

/**
 * The signature header of a delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. The
 * platform recomputes it with its secret and refuses old timestamps (a replayed request is
 * harmless anyway: the event id is its idempotency key).
 */
export function signature(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Where a result stands, for the console's board. */
export type Delivery = {
  state: DeliveryState;
  via: 'webhook' | 'pull' | null;
  attempts: number;
  lastError: string | null;
  at: string | null;
  nextAttemptAt: string | null;
};

export function deliveryOf(row: {
  delivered_at: string | null;
  delivered_via: 'webhook' | 'pull' | null;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
}): Delivery {
  const attempts = Number(row.attempts);
  return {
    state: deliveryStateOf({
      delivered: row.delivered_at !== null,
      scheduled: row.next_attempt_at !== null,
      attempts,
    }),
    via: row.delivered_via,
    attempts,
    lastError: row.last_error,
    at: row.delivered_at,
    nextAttemptAt: row.next_attempt_at,
  };
}

/**
 * The pull feed of a system's results after a cursor, oldest first. Asking with `after` set to
 * a cursor acknowledges every result up to it (the platform has them): they count as delivered.
 */
export async function pullResults(
  db: Db,
  systemId: string,
  after: number,
  limit: number,
): Promise<{ results: PlatformResult[]; cursor: number; more: boolean }> {
  if (after > 0) {
    const at = new Date().toISOString();
    await db
      .updateTable('task_results')
      .set({ delivered_at: at, delivered_via: 'pull', next_attempt_at: null })
      .where('system_id', '=', systemId)
      .where('seq', '<=', after)
      .where('delivered_at', 'is', null)
      .execute();
  }
  const rows = await db
    .selectFrom('task_results')
    .select(['seq', 'body'])
    .where('system_id', '=', systemId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  return {
    results: page.map((r) => platformResultSchema.parse(JSON.parse(r.body))),
    cursor: page.length ? Number(page.at(-1)!.seq) : after,
    more: rows.length > limit,
  };
}

/** A task's result as its system may read it (null while the task is open). */
export async function resultOfTask(
  db: Db,
  systemId: string,
  taskId: string,
): Promise<PlatformResult | null> {
  const row = await db
    .selectFrom('task_results')
    .select('body')
    .where('system_id', '=', systemId)
    .where('task_id', '=', taskId)
    .executeTakeFirst();
  return row ? platformResultSchema.parse(JSON.parse(row.body)) : null;
}

const WEBHOOK_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/;

/**
 * Sets (or clears) where a system's results are posted. A new URL comes with a new signing
 * secret, shown to the administrator this once; results not yet delivered are tried at once.
 * Cleared, the system pulls its results (those not yet delivered wait for its cursor).
 */
export async function setWebhook(
  db: Db,
  systemId: string,
  url: string | null,
  by: { adminId: string; ip: string | null },
): Promise<{ secret: string | null }> {
  const target = url?.trim() || null;
  if (
    target !== null &&
    (target.length > 500 || !WEBHOOK_URL.test(target) || !URL.canParse(target))
  )
    throw new HttpError(
      400,
      'invalid',
      '回传地址应为 http:// 或 https:// 开头的完整网址（至多 500 字符）',
    );
  const secret = target ? `whsec_${randomBytes(32).toString('base64url')}` : null;
  const now = new Date().toISOString();
  await db.transaction().execute(async (tx) => {
    const r = await tx
      .updateTable('api_systems')
      .set({ webhook_url: target, webhook_secret: secret })
      .where('id', '=', systemId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1)
      throw new HttpError(404, 'notFound', '外部系统不存在或已停用');
    await tx
      .updateTable('task_results')
      .set({ next_attempt_at: target ? now : null, lease_until: null })
      .where('system_id', '=', systemId)
      .where('delivered_at', 'is', null)
      .execute();
    await audit(tx, {
      userId: by.adminId,
      action: 'apiSystem.webhook',
      target: systemId,
      // The address, never the secret.
      detail: { url: target },
      ip: by.ip,
    });
  });
  kickDeliverer();
  return { secret };
}

export type DelivererOptions = {
  /** How often the outbox is looked at when nothing kicks it (ms). */
  pollMs: number;
  /** The first retry's wait; each later one doubles, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A delivery not answered within this is a failure (and tried again). */
  timeoutMs: number;
};

/** The wait before the next attempt after `attempts` failed ones: doubling, capped, ±20 %. */
export function backoff(attempts: number, o: DelivererOptions, random = Math.random): number {
  const base = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** What a failed delivery is remembered by (no body, no secret; at most 200 characters). */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    return (cause?.code ? `${error.message} (${cause.code})` : error.message).slice(0, 200);
  }
  return String(error).slice(0, 200);
}

/** One delivery of one result: true when the platform answered 2xx. */
async function post(
  url: string,
  secret: string,
  id: string,
  body: string,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'idempotency-key': id,
        'x-patrolbook-event': id,
        'x-patrolbook-signature': signature(secret, Math.floor(Date.now() / 1000), body),
        'user-agent': 'Patrolbook-Webhook/1',
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The answer's body is not needed; reading it frees the connection.
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}

type DueRow = {
  id: string;
  system_id: string;
  body: string;
  attempts: number;
  webhook_url: string | null;
  webhook_secret: string | null;
};

/**
 * One attempt at one result: claimed with a lease first (a conditional update: two processes
 * cannot both send it, and a process killed mid-delivery leaves a lease that expires, after which
 * the result is sent again; the event id makes that harmless), posted, and its outcome written.
 */
async function attempt(
  db: Db,
  o: DelivererOptions,
  row: DueRow,
): Promise<'skipped' | 'delivered' | { failedUntil: string }> {
  if (!row.webhook_url || !row.webhook_secret) return 'skipped';
  const claimedAt = new Date();
  const claim = await db
    .updateTable('task_results')
    // Twice the request's timeout: the attempt has surely ended (answered, failed or with
    // its process) before another may start.
    .set({ lease_until: new Date(claimedAt.getTime() + 2 * o.timeoutMs).toISOString() })
    .where('id', '=', row.id)
    .where('delivered_at', 'is', null)
    .where((eb) =>
      eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', claimedAt.toISOString())]),
    )
    .executeTakeFirst();
  if (Number(claim.numUpdatedRows) !== 1) return 'skipped';
  const sent = await post(row.webhook_url, row.webhook_secret, row.id, row.body, o.timeoutMs);
  const done = new Date();
  const attempts = Number(row.attempts) + 1;
  const next = new Date(done.getTime() + backoff(attempts, o)).toISOString();
  await db
    .updateTable('task_results')
    .set(
      sent.ok
        ? {
            delivered_at: done.toISOString(),
            delivered_via: 'webhook',
            attempts,
            last_attempt_at: done.toISOString(),
            last_error: null,
            lease_until: null,
            next_attempt_at: null,
          }
        : {
            attempts,
            last_attempt_at: done.toISOString(),
            last_error: sent.error,
            lease_until: null,
            next_attempt_at: next,
          },
    )
    .where('id', '=', row.id)
    .where('delivered_at', 'is', null)
    .execute();
  return sent.ok ? 'delivered' : { failedUntil: next };
}

/**
 * The results due now, by system, oldest first: of systems with a webhook and not revoked, not
 * delivered, their next attempt come, no delivery holding them.
 */
async function dueBySystem(db: Db, now = new Date()): Promise<Map<string, DueRow[]>> {
  const at = now.toISOString();
  const due: DueRow[] = await db
    .selectFrom('task_results')
    .innerJoin('api_systems', 'api_systems.id', 'task_results.system_id')
    .select([
      'task_results.id',
      'task_results.system_id',
      'task_results.body',
      'task_results.attempts',
      'api_systems.webhook_url',
      'api_systems.webhook_secret',
    ])
    .where('task_results.delivered_at', 'is', null)
    .where('task_results.next_attempt_at', '<=', at)
    .where((eb) =>
      eb.or([eb('task_results.lease_until', 'is', null), eb('task_results.lease_until', '<', at)]),
    )
    .where('api_systems.webhook_url', 'is not', null)
    .where('api_systems.revoked_at', 'is', null)
    .orderBy('task_results.seq')
    .limit(200)
    .execute();
  const bySystem = new Map<string, DueRow[]>();
  for (const row of due) {
    const rows = bySystem.get(row.system_id) ?? [];
    rows.push(row);
    bySystem.set(row.system_id, rows);
  }
  return bySystem;
}

/**
 * Sends one system's due results in order, at most 20. A failure ends the batch: the system's
 * other due results wait as long as the one that failed (a platform that is down gets one
 * request per backoff, not one per result). Returns how many were attempted.
 */
async function deliverSystem(
  db: Db,
  o: DelivererOptions,
  systemId: string,
  rows: DueRow[],
): Promise<number> {
  let n = 0;
  for (const row of rows.slice(0, 20)) {
    const outcome = await attempt(db, o, row);
    if (outcome === 'skipped') continue;
    n++;
    if (outcome === 'delivered') continue;
    await db
      .updateTable('task_results')
      .set({ next_attempt_at: outcome.failedUntil })
      .where('system_id', '=', systemId)
      .where('delivered_at', 'is', null)
      .where('next_attempt_at', '<=', outcome.failedUntil)
      .where('lease_until', 'is', null)
      .execute();
    break;
  }
  return n;
}

export type Deliverer = { kick: () => void; stop: () => Promise<void> };

let active: Deliverer | null = null;

/** Asks the running deliverer to look at the outbox now (after a result is queued). */
export function kickDeliverer(): void {
  active?.kick();
}

/**
 * The process's deliverer: looks at the outbox every `pollMs`, and at once when kicked or when a
 * system's batch ends. Systems are served side by side, each by one batch at a time: a platform
 * that hangs until the timeout holds up none of the others. A failure of the database is logged
 * (without any body) and the next look tries again.
 */
export function startDeliverer(db: Db, o: DelivererOptions): Deliverer {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let looking: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  /** Systems with a batch running in this process, and the batches. */
  const busy = new Set<string>();
  const batches = new Set<Promise<void>>();
  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(look, ms);
    timer.unref();
  };
  /** Look again at once, or right after the look under way. */
  const wake = () => {
    if (looking) again = true;
    else schedule(0);
  };
  const look = () => {
    timer = null;
    if (looking) {
      again = true;
      return;
    }
    looking = (async () => {
      try {
        for (const [systemId, rows] of await dueBySystem(db)) {
          if (stopped || busy.has(systemId)) continue;
          busy.add(systemId);
          const batch = deliverSystem(db, o, systemId, rows)
            .catch((error: unknown) => {
              console.error(`result delivery failed: ${describe(error)}`);
              return 0;
            })
            .then((n) => {
              busy.delete(systemId);
              batches.delete(batch);
              // Something was sent: look again at once (a backlog drains without waiting).
              if (n > 0) wake();
            });
          batches.add(batch);
        }
      } catch (error) {
        console.error(`result delivery round failed: ${describe(error)}`);
      } finally {
        looking = null;
        schedule(again ? 0 : o.pollMs);
        again = false;
      }
    })();
  };
  const deliverer: Deliverer = {
    kick: wake,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await looking;
      await Promise.all([...batches]);
      if (active === deliverer) active = null;
    },
  };
  active = deliverer;
  schedule(0);
  return deliverer;
}
