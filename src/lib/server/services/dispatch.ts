import { createHash } from 'node:crypto';
import type { Selectable, Updateable } from 'kysely';
import type { PhoneTask } from '$lib/sync/contract';
import {
  TASK_PHOTO_BYTES_MAX,
  TASK_PHOTO_MEDIA,
  TASK_STATES,
  UNFOUNDED_REASON,
  type TaskSource,
  type TaskState,
} from '$lib/domain/tasks';
import type { SessionUser } from '../auth/types';
import type { Db, Tx } from '../db/db';
import type { Database } from '../db/schema';
import { HttpError } from '../http';
import { audit } from '../repos/audit';
import { appendChanges, type ChangeInput } from '../repos/changes';
import { sniffMime, type BlobStore } from '../blobs/store';
import { deliveryOf, kickDeliverer, queueResult, type Delivery } from './results';

/**
 * Dispatch of the city platform's tasks (issue 19): the console's board, assigning a task to a
 * squad and an officer pair (again to reassign), and closing one as unfounded with the reason.
 * Supervisors see tasks not yet assigned and those of their squads, and assign to their squads;
 * administrators see and assign all.
 */

export type BoardTask = {
  id: string;
  caseId: string;
  source: TaskSource;
  state: TaskState;
  address: string;
  description: string;
  suspectedItem: string | null;
  receivedAt: string;
  dueAt: string;
  overdue: boolean;
  squadId: string | null;
  squad: string | null;
  officers: string[];
  closeReason: string | null;
  closePhoto: string | null;
  recordId: string | null;
  /** How the result stands with the platform (closed tasks only). */
  delivery: Delivery | null;
};

export type Assignable = {
  squadId: string;
  squad: string;
  officers: { id: string; name: string }[];
};

const mayAssignTo = (user: SessionUser, squadId: string) =>
  user.role === 'admin' ||
  (user.role === 'supervisor' && user.supervisedSquadIds.includes(squadId));

export async function taskBoard(
  db: Db,
  user: SessionUser,
  options: { state?: TaskState; now?: Date } = {},
): Promise<{
  tasks: BoardTask[];
  counts: Record<TaskState, number>;
  overdue: number;
  squads: Assignable[];
}> {
  const now = (options.now ?? new Date()).toISOString();
  let qb = db
    .selectFrom('tasks')
    .leftJoin('squads', 'squads.id', 'tasks.squad_id')
    .leftJoin('users as o1', 'o1.id', 'tasks.officer1_id')
    .leftJoin('users as o2', 'o2.id', 'tasks.officer2_id')
    .leftJoin('task_results', 'task_results.task_id', 'tasks.id');
  if (user.role !== 'admin') {
    const squads = user.supervisedSquadIds;
    qb = qb.where((eb) =>
      eb.or([
        eb('tasks.squad_id', 'is', null),
        ...(squads.length ? [eb('tasks.squad_id', 'in', squads)] : []),
      ]),
    );
  }
  const counted = await qb
    .select(['tasks.state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('tasks.state')
    .execute();
  const counts = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
  for (const c of counted) counts[c.state] = Number(c.n);
  const [late] = await qb
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tasks.state', 'in', ['received', 'assigned'])
    .where('tasks.due_at', '<', now)
    .execute();
  const rows = await qb
    .select([
      'tasks.id',
      'tasks.case_id',
      'tasks.source',
      'tasks.state',
      'tasks.address',
      'tasks.description',
      'tasks.suspected_item',
      'tasks.received_at',
      'tasks.due_at',
      'tasks.squad_id',
      'squads.name as squad',
      'o1.real_name as o1',
      'o2.real_name as o2',
      'tasks.close_reason',
      'tasks.close_photo',
      'tasks.record_id',
      'task_results.delivered_at',
      'task_results.delivered_via',
      'task_results.attempts',
      'task_results.last_error',
      'task_results.next_attempt_at',
      'task_results.id as result_id',
    ])
    .where('tasks.state', '=', options.state ?? 'received')
    .orderBy('tasks.due_at')
    .orderBy('tasks.id')
    .limit(200)
    .execute();
  const officers = await db
    .selectFrom('users')
    .innerJoin('squads', 'squads.id', 'users.squad_id')
    .select(['users.id', 'users.real_name', 'users.squad_id', 'squads.name as squad'])
    .where('users.role', '=', 'officer')
    .where('users.active', '=', 1)
    .where('squads.active', '=', 1)
    .orderBy('squads.name')
    .orderBy('users.real_name')
    .execute();
  const squads = new Map<string, Assignable>();
  for (const o of officers) {
    if (!o.squad_id || !mayAssignTo(user, o.squad_id)) continue;
    const s = squads.get(o.squad_id) ?? { squadId: o.squad_id, squad: o.squad, officers: [] };
    s.officers.push({ id: o.id, name: o.real_name });
    squads.set(o.squad_id, s);
  }
  return {
    tasks: rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      source: r.source,
      state: r.state,
      address: r.address,
      description: r.description,
      suspectedItem: r.suspected_item,
      receivedAt: r.received_at,
      dueAt: r.due_at,
      overdue: (r.state === 'received' || r.state === 'assigned') && r.due_at < now,
      squadId: r.squad_id,
      squad: r.squad ?? null,
      officers: [r.o1, r.o2].filter((n): n is string => !!n),
      closeReason: r.close_reason,
      closePhoto: r.close_photo,
      recordId: r.record_id,
      delivery:
        r.result_id === null
          ? null
          : deliveryOf({
              delivered_at: r.delivered_at,
              delivered_via: r.delivered_via,
              attempts: r.attempts ?? 0,
              last_error: r.last_error,
              next_attempt_at: r.next_attempt_at,
            }),
    })),
    counts,
    overdue: Number(late?.n ?? 0),
    squads: [...squads.values()].filter((s) => s.officers.length >= 2),
  };
}

/** A task the user may act on (a supervisor: not assigned yet, or assigned to their squads). */
async function taskFor(db: Db, user: SessionUser, taskId: string) {
  const task = await db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (!task || (task.squad_id !== null && !mayAssignTo(user, task.squad_id)))
    throw new HttpError(404, 'notFound', '任务不存在');
  if (task.state === 'handled' || task.state === 'unfounded') throw taskClosed();
  return task;
}

type TaskRow = Selectable<Database['tasks']>;

/** The task as the officers it is dispatched to receive it. */
function phoneTask(t: TaskRow, squadId: string, officerIds: [string, string]): PhoneTask {
  return {
    id: t.id,
    caseId: t.case_id,
    source: t.source,
    address: t.address,
    latitude: t.latitude === null ? null : Number(t.latitude),
    longitude: t.longitude === null ? null : Number(t.longitude),
    description: t.description,
    suspectedItemCode: t.suspected_item,
    reportedAt: t.reported_at,
    dueAt: t.due_at,
    squadId,
    officerIds,
  };
}

/**
 * The feed's word to each officer concerned: the task to those it is now with, and its removal
 * to those it was with and no longer is (reassigned, or closed).
 */
function inboxChanges(before: TaskRow, now: { task: PhoneTask } | null, at: string): ChangeInput[] {
  const was = [before.officer1_id, before.officer2_id].filter((o): o is string => !!o);
  const is: string[] = now ? [...now.task.officerIds] : [];
  return [
    ...is.map((userId) => ({
      kind: 'task' as const,
      userId,
      at,
      payload: { taskId: before.id, task: now?.task ?? null },
    })),
    ...was
      .filter((o) => !is.includes(o))
      .map((userId) => ({
        kind: 'task' as const,
        userId,
        at,
        payload: { taskId: before.id, task: null },
      })),
  ];
}

const taskClosed = () => new HttpError(409, 'taskClosed', '任务已办结，不能再派发或关闭');

/**
 * Changes a task that is still open (received or assigned), or refuses: another supervisor's
 * close, or the record that handled it, came first.
 */
async function updateOpen(tx: Tx, taskId: string, set: Updateable<Database['tasks']>) {
  const r = await tx
    .updateTable('tasks')
    .set(set)
    .where('id', '=', taskId)
    .where('state', 'in', ['received', 'assigned'])
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw taskClosed();
}

/** Assigns (or reassigns) a task to two active officers of one squad the user may assign to. */
export async function assignTask(
  db: Db,
  user: SessionUser,
  taskId: string,
  officerIds: [string, string],
  ip: string | null = null,
): Promise<void> {
  const [a, b] = officerIds;
  if (!a || !b || a === b) throw new HttpError(400, 'invalid', '请选择两名不同的执法人员');
  const task = await taskFor(db, user, taskId);
  const officers = await db
    .selectFrom('users')
    .select(['id', 'squad_id'])
    .where('id', 'in', [a, b])
    .where('role', '=', 'officer')
    .where('active', '=', 1)
    .execute();
  const squadId = officers[0]?.squad_id ?? null;
  if (officers.length !== 2 || !squadId || officers.some((o) => o.squad_id !== squadId))
    throw new HttpError(400, 'invalid', '两名执法人员须是同一中队的在岗队员');
  if (!mayAssignTo(user, squadId))
    throw new HttpError(403, 'forbidden', '只能派发给本人负责的中队');
  const at = new Date().toISOString();
  await db.transaction().execute(async (tx) => {
    await updateOpen(tx, task.id, {
      state: 'assigned',
      squad_id: squadId,
      officer1_id: a,
      officer2_id: b,
      assigned_at: at,
      assigned_by: user.id,
    });
    await appendChanges(tx, inboxChanges(task, { task: phoneTask(task, squadId, [a, b]) }, at));
    await audit(tx, {
      userId: user.id,
      action: 'task.assign',
      target: task.id,
      detail: {
        caseId: task.case_id,
        squadId,
        officers: [a, b],
        reassigned: task.state === 'assigned',
      },
      ip,
    });
  });
}

/**
 * Closes a task as unfounded (nothing found on site, or not the bureau's matter), with why and
 * a photo of what was found: both are checked before anything is stored; the photo goes to the
 * evidence store, then the task, the inbox changes, the result for the platform and the audit
 * entry in one transaction.
 */
export async function closeUnfounded(
  ctx: { db: Db; blobs: BlobStore },
  user: SessionUser,
  taskId: string,
  reason: string,
  photo: Uint8Array | null,
  ip: string | null = null,
  now = new Date(),
): Promise<void> {
  const { db } = ctx;
  const why = reason.trim();
  if (why.length < UNFOUNDED_REASON.min || why.length > UNFOUNDED_REASON.max)
    throw new HttpError(400, 'invalid', '请写明不予立案的理由（4–500 字）');
  if (!photo || photo.length === 0)
    throw new HttpError(400, 'invalid', '请附上现场照片（JPEG、PNG 或 WebP）');
  if (photo.length > TASK_PHOTO_BYTES_MAX)
    throw new HttpError(400, 'invalid', '照片超过 3 MB 的上限');
  const mime = sniffMime(photo.subarray(0, 64));
  if (!mime || !(TASK_PHOTO_MEDIA as readonly string[]).includes(mime))
    throw new HttpError(400, 'invalid', '照片只接受 JPEG、PNG 或 WebP');
  const task = await taskFor(db, user, taskId);
  const sha256 = createHash('sha256').update(photo).digest('hex');
  const put = await ctx.blobs.put(sha256, photo, {
    maxBytes: TASK_PHOTO_BYTES_MAX,
    accept: () => true,
  });
  if (!put.ok) throw new Error(`closing photo not stored: ${put.reason}`);
  const at = now.toISOString();
  await db.transaction().execute(async (tx) => {
    await updateOpen(tx, task.id, {
      state: 'unfounded',
      closed_at: at,
      closed_by: user.id,
      close_reason: why,
      close_photo: sha256,
      close_photo_mime: mime,
    });
    await appendChanges(tx, inboxChanges(task, null, at));
    await queueResult(tx, task, {
      kind: 'unfounded',
      reason: why,
      photo: { sha256, mime },
      at,
    });
    await audit(tx, {
      userId: user.id,
      action: 'task.close',
      target: task.id,
      detail: { caseId: task.case_id, reason: why, photo: sha256 },
      ip,
    });
  });
  kickDeliverer();
}

/**
 * Tasks handled by records just pushed (accepted, or already stored: a retried push links what a
 * crash left unlinked): each open task named is marked handled with its record, once, audited,
 * and leaves its officers' inboxes. A record is never refused for its task: the officers may
 * have handled it offline after it was reassigned or closed, and then it simply stays as it is.
 */
export async function linkHandledTasks(
  db: Db,
  handled: { recordId: string; taskId: string; userId: string }[],
  now?: Date,
): Promise<void> {
  for (const h of handled) {
    await db.transaction().execute(async (tx) => {
      const task = await tx
        .selectFrom('tasks')
        .selectAll()
        .where('id', '=', h.taskId)
        .where('state', 'in', ['received', 'assigned'])
        .executeTakeFirst();
      if (!task) return;
      const at = (now ?? new Date()).toISOString();
      // Conditional on the state read: a supervisor's close in between wins, and the push that
      // stored the record is not failed for it.
      const r = await tx
        .updateTable('tasks')
        .set({ state: 'handled', record_id: h.recordId, closed_at: at, closed_by: h.userId })
        .where('id', '=', task.id)
        .where('state', '=', task.state)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return;
      await appendChanges(tx, inboxChanges(task, null, at));
      await queueResult(tx, task, { kind: 'handled', recordId: h.recordId, at });
      await audit(tx, {
        userId: h.userId,
        action: 'task.handled',
        target: task.id,
        detail: { caseId: task.case_id, recordId: h.recordId },
      });
    });
  }
  if (handled.length) kickDeliverer();
}

/**
 * A photo of a task the user may see on the board (a supervisor: not yet assigned, or of their
 * squads): one the platform sent, or the one attached when it was closed as unfounded.
 */
export async function taskPhoto(
  db: Db,
  user: SessionUser,
  sha256: string,
): Promise<{ sha256: string; mime: string } | null> {
  const closing = await db
    .selectFrom('tasks')
    .select(['squad_id', 'close_photo_mime as mime'])
    .where('close_photo', '=', sha256)
    .execute();
  const sent = await db
    .selectFrom('task_photos')
    .innerJoin('tasks', 'tasks.id', 'task_photos.task_id')
    .select(['tasks.squad_id', 'task_photos.mime'])
    .where('task_photos.sha256', '=', sha256)
    .execute();
  const seen = [...closing, ...sent].find(
    (t) => t.mime && (t.squad_id === null || mayAssignTo(user, t.squad_id)),
  );
  return seen?.mime ? { sha256, mime: seen.mime } : null;
}
