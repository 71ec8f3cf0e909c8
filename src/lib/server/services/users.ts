import { cancelUserWipes, orderDeviceWipe, orderUserWipes } from '../repos/wipes';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hasForbiddenCharacters, LIMITS } from '$lib/domain/fields';
import {
  formatStreetList,
  MAX_STREETS,
  parseStreetList,
  streetListSchema,
  type StreetLineProblem,
} from '$lib/domain/streets';
import { certificateNoSchema } from '$lib/domain/record';
import { uuidv7 } from '$lib/domain/uuid';
import { hashPassword } from '../auth/password';
import { revokeUserSessions } from '../auth/sessions';
import type { Db, Tx } from '../db/db';
import { audit } from '../repos/audit';
import { findBureau, USER_COLUMNS } from '../repos/users';

/**
 * Accounts and squads, as the administrator manages them: every change and its audit entry in
 * one transaction, uniqueness decided inside it (and by the database's constraints), sessions
 * ended whenever a role, a squad or a password changes. Accounts are never deleted: their
 * records must keep naming them.
 */

export const ROLES = ['officer', 'supervisor', 'admin'] as const;

export const newUserSchema = z.object({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9_.-]{3,32}$/, '用户名为 3 到 32 位小写字母、数字、下划线、点或连字符'),
  realName: z
    .string()
    .trim()
    .min(1, '请填写姓名')
    .max(50)
    .refine((v) => !hasForbiddenCharacters(v, true), '姓名含有不可见的控制字符'),
  role: z.enum(ROLES, { message: '角色无效' }),
  certificateNo: z.union([z.literal(''), certificateNoSchema]),
  squadId: z.string().max(64),
  supervised: z.array(z.string().max(64)).max(50),
});
export type NewUser = z.infer<typeof newUserSchema>;

export const userChangeSchema = z.object({
  id: z.string().min(1).max(80),
  role: z.enum(ROLES, { message: '角色无效' }),
  squadId: z.string().max(64),
  supervised: z.array(z.string().max(64)).max(50),
});
export type UserChange = z.infer<typeof userChangeSchema>;

export type Actor = { adminId: string; ip: string | null };
export type Refusal = { ok: false; status: 400 | 404 | 409; error: string };
type Outcome<T> = ({ ok: true } & T) | Refusal;

const refuse = (status: Refusal['status'], error: string): Refusal => ({
  ok: false,
  status,
  error,
});

/** The zod messages of a refused form, in one line. */
export function formError(e: z.ZodError): string {
  return e.issues.map((i) => i.message).join('；');
}

export async function listUsers(db: Db) {
  const users = await db
    .selectFrom('users')
    .leftJoin('squads', 'squads.id', 'users.squad_id')
    .select([...USER_COLUMNS, 'users.active', 'squads.name as squad'])
    .orderBy('users.role')
    .orderBy('users.username')
    .execute();
  const supervised = await db.selectFrom('supervisor_squads').selectAll().execute();
  const counts = await db
    .selectFrom('records')
    .select(['officer1_id', (eb) => eb.fn.countAll().as('n')])
    .groupBy('officer1_id')
    .execute();
  const squads = await db.selectFrom('squads').selectAll().orderBy('name').execute();
  return {
    users: users.map((u) => ({
      ...u,
      supervised: supervised.filter((s) => s.user_id === u.id).map((s) => s.squad_id),
      records: Number(counts.find((c) => c.officer1_id === u.id)?.n ?? 0),
    })),
    squads: squads.map(({ streets, ...s }) => {
      const list = streetListSchema.parse(JSON.parse(streets));
      return { ...s, streetCount: list.length, streetsText: formatStreetList(list) };
    }),
  };
}

/** True when every id names an existing squad (a stale form must not reach a foreign key). */
async function squadsExist(db: Db | Tx, ids: string[]): Promise<boolean> {
  const wanted = [...new Set(ids.filter(Boolean))];
  if (wanted.length === 0) return true;
  const found = await db.selectFrom('squads').select('id').where('id', 'in', wanted).execute();
  return found.length === wanted.length;
}

function tempPassword(): string {
  return randomBytes(9).toString('base64url');
}

/** A unique constraint refused the write (SQLite or PostgreSQL). */
function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.error);
  }
}

/** Runs `work` in a transaction; a `Refused` thrown inside rolls back and is answered. */
async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T | Refusal> {
  try {
    return await db.transaction().execute(work);
  } catch (e) {
    if (e instanceof Refused) return e.refusal;
    throw e;
  }
}

export async function createUser(
  db: Db,
  u: NewUser,
  actor: Actor,
): Promise<Outcome<{ username: string; password: string }>> {
  if (u.role === 'officer' && (!u.certificateNo || !u.squadId))
    return refuse(400, '执法队员必须有执法证号和所属中队');
  const password = tempPassword();
  const hash = await hashPassword(password);
  const id = `u-${uuidv7()}`;
  const now = new Date().toISOString();
  try {
    return await inTransaction(db, async (tx) => {
      if (!(await squadsExist(tx, [u.squadId, ...u.supervised])))
        throw new Refused(refuse(400, '所选中队不存在，请刷新页面后重试'));
      const taken = await tx
        .selectFrom('users')
        .select('id')
        .where((eb) =>
          eb.or([
            eb('username', '=', u.username),
            ...(u.certificateNo ? [eb('certificate_no', '=', u.certificateNo)] : []),
          ]),
        )
        .executeTakeFirst();
      if (taken) throw new Refused(refuse(409, '用户名或执法证号已被使用'));
      await tx
        .insertInto('users')
        .values({
          id,
          username: u.username,
          password_hash: hash,
          role: u.role,
          real_name: u.realName,
          certificate_no: u.certificateNo || null,
          squad_id: u.squadId || null,
          phone: null,
          active: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      if (u.role === 'supervisor' && u.supervised.length) {
        await tx
          .insertInto('supervisor_squads')
          .values(u.supervised.map((squad_id) => ({ user_id: id, squad_id })))
          .execute();
      }
      await audit(tx, {
        userId: actor.adminId,
        action: 'user.create',
        target: id,
        detail: { username: u.username, role: u.role },
        ip: actor.ip,
      });
      return { ok: true as const, username: u.username, password };
    });
  } catch (e) {
    // Two administrators creating the same name at once: the constraint decides.
    if (isUniqueViolation(e)) return refuse(409, '用户名或执法证号已被使用');
    throw e;
  }
}

export async function updateUser(
  db: Db,
  c: UserChange,
  actor: Actor,
): Promise<Outcome<{ username: string }>> {
  if (c.id === actor.adminId && c.role !== 'admin') return refuse(400, '不能取消自己的管理员角色');
  return inTransaction(db, async (tx) => {
    const user = await tx
      .selectFrom('users')
      .select(['username', 'certificate_no'])
      .where('id', '=', c.id)
      .executeTakeFirst();
    if (!user) throw new Refused(refuse(404, '用户不存在'));
    if (!(await squadsExist(tx, [c.squadId, ...c.supervised])))
      throw new Refused(refuse(400, '所选中队不存在，请刷新页面后重试'));
    if (c.role === 'officer' && (!user.certificate_no || !c.squadId))
      throw new Refused(refuse(400, '执法队员必须有执法证号和所属中队'));
    await tx
      .updateTable('users')
      .set({ role: c.role, squad_id: c.squadId || null, updated_at: new Date().toISOString() })
      .where('id', '=', c.id)
      .execute();
    await tx.deleteFrom('supervisor_squads').where('user_id', '=', c.id).execute();
    if (c.role === 'supervisor' && c.supervised.length) {
      await tx
        .insertInto('supervisor_squads')
        .values(c.supervised.map((squad_id) => ({ user_id: c.id, squad_id })))
        .execute();
    }
    await revokeUserSessions(tx, c.id);
    await audit(tx, {
      userId: actor.adminId,
      action: 'user.update',
      target: c.id,
      detail: { role: c.role, squadId: c.squadId, supervised: c.supervised },
      ip: actor.ip,
    });
    return { ok: true as const, username: user.username };
  });
}

/** Activates or deactivates an account; deactivation also ends the user's sessions. */
export async function setUserActive(
  db: Db,
  id: string,
  active: boolean,
  actor: Actor,
): Promise<Outcome<{ id: string }>> {
  if (!active && id === actor.adminId) return refuse(400, '不能停用自己的账号');
  return inTransaction(db, async (tx) => {
    const at = new Date().toISOString();
    const r = await tx
      .updateTable('users')
      .set({ active: active ? 1 : 0, updated_at: at, deactivated_at: active ? null : at })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new Refused(refuse(404, '用户不存在'));
    if (!active) {
      await revokeUserSessions(tx, id);
      // Each of the user's phones sends what it holds unsent, then empties itself (ADR 0018).
      await orderUserWipes(tx, id, actor.adminId, at);
    } else await cancelUserWipes(tx, id);
    await audit(tx, {
      userId: actor.adminId,
      action: active ? 'user.update' : 'user.deactivate',
      target: id,
      ...(active ? { detail: { active: true } } : {}),
      ip: actor.ip,
    });
    return { ok: true as const, id };
  });
}

/** An administrator reports a phone lost: at its next contact it empties itself. */
export async function reportDeviceLost(
  db: Db,
  deviceId: string,
  actor: Actor,
): Promise<Outcome<{ id: string }>> {
  return inTransaction(db, async (tx) => {
    const ordered = await orderDeviceWipe(tx, deviceId, actor.adminId, new Date().toISOString());
    if (!ordered) throw new Refused(refuse(404, '设备不存在'));
    await audit(tx, {
      userId: actor.adminId,
      action: 'device.lost',
      target: deviceId,
      detail: { userId: ordered.userId },
      ip: actor.ip,
    });
    return { ok: true as const, id: deviceId };
  });
}

export async function resetPassword(
  db: Db,
  id: string,
  actor: Actor,
): Promise<Outcome<{ username: string; password: string }>> {
  const password = tempPassword();
  const hash = await hashPassword(password);
  return inTransaction(db, async (tx) => {
    const user = await tx
      .selectFrom('users')
      .select(['username'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!user) throw new Refused(refuse(404, '用户不存在'));
    await tx
      .updateTable('users')
      .set({ password_hash: hash, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
    await revokeUserSessions(tx, id);
    await audit(tx, {
      userId: actor.adminId,
      action: 'user.resetPassword',
      target: id,
      ip: actor.ip,
    });
    return { ok: true as const, username: user.username, password };
  });
}

export async function createSquad(
  db: Db,
  input: { name: string; district: string },
  actor: Actor,
): Promise<Outcome<{ name: string }>> {
  const name = input.name.trim();
  const district = input.district.trim();
  if (!name || !district || name.length > 40 || district.length > 40)
    return refuse(400, '请填写中队名称和所辖区域（各 40 字以内）');
  if (hasForbiddenCharacters(name, true) || hasForbiddenCharacters(district, true))
    return refuse(400, '名称含有不可见的控制字符');
  return inTransaction(db, async (tx) => {
    const bureau = await findBureau(tx);
    if (!bureau) throw new Refused(refuse(400, '尚未设置执法机关'));
    const taken = await tx
      .selectFrom('squads')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirst();
    if (taken) throw new Refused(refuse(409, '已有同名中队'));
    const id = `sq-${uuidv7().slice(-12)}`;
    await tx
      .insertInto('squads')
      .values({
        id,
        bureau_id: bureau.id,
        name,
        district,
        active: 1,
        created_at: new Date().toISOString(),
      })
      .execute();
    await audit(tx, {
      userId: actor.adminId,
      action: 'squad.create',
      target: id,
      detail: { name, district },
      ip: actor.ip,
    });
    return { ok: true as const, name };
  });
}

const STREET_PROBLEMS: Record<StreetLineProblem['code'], string> = {
  empty: '缺少街道名称',
  tooLong: `名称超过 ${LIMITS.address} 字`,
  controlChars: '含有不可见的控制字符',
  badPoint: '坐标应为“纬度, 经度”两个数字',
  outsideChina: '坐标不在我国境内（纬度与经度是否写反？）',
  duplicate: '与前面的名称重复',
};

/**
 * A squad's street names, saved whole from the console's text (one a line, `名称` or
 * `名称, 纬度, 经度`): every bad line is named at once and nothing is saved until all are right.
 * The squad's phones receive the list with their next sync.
 */
export async function setSquadStreets(
  db: Db,
  input: { squadId: string; text: string },
  actor: Actor,
): Promise<Outcome<{ name: string; count: number }>> {
  if (input.text.length > 100_000) return refuse(400, '街道名录过长');
  const parsed = parseStreetList(input.text);
  if (!parsed.ok) {
    const lines = parsed.problems.map((p) => `第 ${p.line} 行：${STREET_PROBLEMS[p.code]}`);
    if (parsed.tooMany) lines.push(`最多 ${MAX_STREETS} 条`);
    return refuse(400, `街道名录未保存。${lines.join('；')}`);
  }
  return inTransaction(db, async (tx) => {
    const squad = await tx
      .selectFrom('squads')
      .select(['id', 'name'])
      .where('id', '=', input.squadId)
      .executeTakeFirst();
    if (!squad) throw new Refused(refuse(404, '没有这个中队'));
    await tx
      .updateTable('squads')
      .set({ streets: JSON.stringify(parsed.streets) })
      .where('id', '=', squad.id)
      .execute();
    await audit(tx, {
      userId: actor.adminId,
      action: 'squad.streets',
      target: squad.id,
      detail: {
        count: parsed.streets.length,
        withPoint: parsed.streets.filter((s) => s.lat !== undefined).length,
      },
      ip: actor.ip,
    });
    return { ok: true as const, name: squad.name, count: parsed.streets.length };
  });
}
