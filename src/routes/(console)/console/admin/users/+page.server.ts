import { fail } from '@sveltejs/kit';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hasForbiddenCharacters } from '$lib/domain/fields';
import { certificateNoSchema } from '$lib/domain/record';
import { uuidv7 } from '$lib/domain/uuid';
import { app } from '$lib/server/app';
import type { Db } from '$lib/server/db/db';
import { findBureau } from '$lib/server/repos/users';
import { hashPassword } from '$lib/server/auth/password';
import { revokeUserSessions } from '$lib/server/auth/sessions';
import { requireAdmin } from '$lib/server/console';
import { clientIp } from '$lib/server/http';
import { audit } from '$lib/server/repos/audit';
import type { RequestEvent } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { field, fields } from '$lib/server/forms';

export const load: PageServerLoad = async ({ locals }) => {
  requireAdmin(locals);
  const ctx = await app();
  const users = await ctx.db
    .selectFrom('users')
    .leftJoin('squads', 'squads.id', 'users.squad_id')
    .select([
      'users.id',
      'users.username',
      'users.role',
      'users.real_name',
      'users.certificate_no',
      'users.squad_id',
      'users.active',
      'squads.name as squad',
    ])
    .orderBy('users.role')
    .orderBy('users.username')
    .execute();
  const supervised = await ctx.db.selectFrom('supervisor_squads').selectAll().execute();
  const counts = await ctx.db
    .selectFrom('records')
    .select(['officer1_id', (eb) => eb.fn.countAll().as('n')])
    .groupBy('officer1_id')
    .execute();
  const squads = await ctx.db.selectFrom('squads').selectAll().orderBy('name').execute();
  return {
    users: users.map((u) => ({
      ...u,
      supervised: supervised.filter((s) => s.user_id === u.id).map((s) => s.squad_id),
      records: Number(counts.find((c) => c.officer1_id === u.id)?.n ?? 0),
    })),
    squads,
  };
};

const userSchema = z.object({
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
  role: z.enum(['officer', 'supervisor', 'admin'], { message: '角色无效' }),
  certificateNo: z.union([z.literal(''), certificateNoSchema]),
  squadId: z.string().max(64),
  supervised: z.array(z.string().max(64)).max(50),
});

const issue = (e: z.ZodError) => e.issues.map((i) => i.message).join('；');

/** True when every id names an existing squad (a stale form must not reach a foreign key). */
async function squadsExist(db: Db, ids: string[]): Promise<boolean> {
  const wanted = [...new Set(ids.filter(Boolean))];
  if (wanted.length === 0) return true;
  const found = await db.selectFrom('squads').select('id').where('id', 'in', wanted).execute();
  return found.length === wanted.length;
}

function tempPassword(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * Activates or deactivates an account with its audit entry in one transaction; deactivation
 * also ends the user's sessions. False when there is no such user.
 */
async function setActive(
  event: RequestEvent,
  adminId: string,
  id: string,
  active: boolean,
): Promise<boolean> {
  const ctx = await app();
  return ctx.db.transaction().execute(async (tx) => {
    const r = await tx
      .updateTable('users')
      .set({ active: active ? 1 : 0, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    if (!active) await revokeUserSessions(tx, id);
    await audit(tx, {
      userId: adminId,
      action: active ? 'user.update' : 'user.deactivate',
      target: id,
      ...(active ? { detail: { active: true } } : {}),
      ip: clientIp(event),
    });
    return true;
  });
}

export const actions: Actions = {
  create: async (event) => {
    const admin = requireAdmin(event.locals);
    const f = await event.request.formData();
    const parsed = userSchema.safeParse({
      username: field(f, 'username'),
      realName: field(f, 'realName'),
      role: field(f, 'role'),
      certificateNo: field(f, 'certificateNo'),
      squadId: field(f, 'squadId'),
      supervised: fields(f, 'supervised'),
    });
    if (!parsed.success) return fail(400, { error: issue(parsed.error) });
    const u = parsed.data;
    if (u.role === 'officer' && (!u.certificateNo || !u.squadId))
      return fail(400, { error: '执法队员必须有执法证号和所属中队' });
    const ctx = await app();
    if (!(await squadsExist(ctx.db, [u.squadId, ...u.supervised])))
      return fail(400, { error: '所选中队不存在，请刷新页面后重试' });
    const taken = await ctx.db
      .selectFrom('users')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('username', '=', u.username),
          ...(u.certificateNo ? [eb('certificate_no', '=', u.certificateNo)] : []),
        ]),
      )
      .executeTakeFirst();
    if (taken) return fail(409, { error: '用户名或执法证号已被使用' });
    const password = tempPassword();
    const id = `u-${uuidv7()}`;
    const now = new Date().toISOString();
    await ctx.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('users')
        .values({
          id,
          username: u.username,
          password_hash: await hashPassword(password),
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
        userId: admin.id,
        action: 'user.create',
        target: id,
        detail: { username: u.username, role: u.role },
        ip: clientIp(event),
      });
    });
    return { created: { username: u.username, password } };
  },
  update: async (event) => {
    const admin = requireAdmin(event.locals);
    const f = await event.request.formData();
    const id = field(f, 'id');
    const role = field(f, 'role');
    const squadId = field(f, 'squadId');
    const supervised = fields(f, 'supervised');
    if (!['officer', 'supervisor', 'admin'].includes(role)) return fail(400, { error: '角色无效' });
    const ctx = await app();
    const user = await ctx.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!user) return fail(404, { error: '用户不存在' });
    if (id === admin.id && role !== 'admin')
      return fail(400, { error: '不能取消自己的管理员角色' });
    if (!(await squadsExist(ctx.db, [squadId, ...supervised])))
      return fail(400, { error: '所选中队不存在，请刷新页面后重试' });
    if (role === 'officer' && (!user.certificate_no || !squadId))
      return fail(400, { error: '执法队员必须有执法证号和所属中队' });
    await ctx.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('users')
        .set({
          role: role as 'officer',
          squad_id: squadId || null,
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .execute();
      await tx.deleteFrom('supervisor_squads').where('user_id', '=', id).execute();
      if (role === 'supervisor' && supervised.length) {
        await tx
          .insertInto('supervisor_squads')
          .values(supervised.map((squad_id) => ({ user_id: id, squad_id })))
          .execute();
      }
      await revokeUserSessions(tx, id);
      await audit(tx, {
        userId: admin.id,
        action: 'user.update',
        target: id,
        detail: { role, squadId, supervised },
        ip: clientIp(event),
      });
    });
    return { updated: user.username };
  },
  deactivate: async (event) => {
    const admin = requireAdmin(event.locals);
    const id = field(await event.request.formData(), 'id');
    if (id === admin.id) return fail(400, { error: '不能停用自己的账号' });
    // Accounts are never deleted: their records must keep naming them.
    if (!(await setActive(event, admin.id, id, false))) return fail(404, { error: '用户不存在' });
    return { deactivated: id };
  },
  activate: async (event) => {
    const admin = requireAdmin(event.locals);
    const id = field(await event.request.formData(), 'id');
    if (!(await setActive(event, admin.id, id, true))) return fail(404, { error: '用户不存在' });
    return { activated: id };
  },
  reset: async (event) => {
    const admin = requireAdmin(event.locals);
    const id = field(await event.request.formData(), 'id');
    const ctx = await app();
    const user = await ctx.db
      .selectFrom('users')
      .select(['username'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!user) return fail(404, { error: '用户不存在' });
    const password = tempPassword();
    const hash = await hashPassword(password);
    await ctx.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('users')
        .set({ password_hash: hash, updated_at: new Date().toISOString() })
        .where('id', '=', id)
        .execute();
      await revokeUserSessions(tx, id);
      await audit(tx, {
        userId: admin.id,
        action: 'user.resetPassword',
        target: id,
        ip: clientIp(event),
      });
    });
    return { reset: { username: user.username, password } };
  },
  squad: async (event) => {
    const admin = requireAdmin(event.locals);
    const f = await event.request.formData();
    const name = field(f, 'name').trim();
    const district = field(f, 'district').trim();
    if (!name || !district || name.length > 40 || district.length > 40)
      return fail(400, { error: '请填写中队名称和所辖区域（各 40 字以内）' });
    if (hasForbiddenCharacters(name, true) || hasForbiddenCharacters(district, true))
      return fail(400, { error: '名称含有不可见的控制字符' });
    const ctx = await app();
    const bureau = await findBureau(ctx.db);
    if (!bureau) return fail(400, { error: '尚未设置执法机关' });
    const id = `sq-${uuidv7().slice(-12)}`;
    const taken = await ctx.db
      .selectFrom('squads')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirst();
    if (taken) return fail(409, { error: '已有同名中队' });
    await ctx.db.transaction().execute(async (tx) => {
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
        userId: admin.id,
        action: 'squad.create',
        target: id,
        detail: { name, district },
        ip: clientIp(event),
      });
    });
    return { squad: name };
  },
};
