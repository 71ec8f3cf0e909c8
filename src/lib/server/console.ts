import { error } from '@sveltejs/kit';
import type { Locale } from '$lib/i18n';
import type { SessionUser } from './auth/types';
import type { Db } from './db/db';

/** The signed-in console user (the hook has already turned away everyone else). */
export function consoleUser(locals: App.Locals): SessionUser {
  const user = locals.user;
  if (!user || user.role === 'officer') error(403, '无权访问');
  return user;
}

export function requireAdmin(locals: App.Locals): SessionUser {
  const user = consoleUser(locals);
  if (user.role !== 'admin') error(403, '仅管理员可以访问');
  return user;
}

export function localeOf(cookies: { get: (name: string) => string | undefined }): Locale {
  return cookies.get('pb_locale') === 'en' ? 'en' : 'zh-CN';
}

/** Squads a console user may filter by. */
export async function squadOptions(
  db: Db,
  user: SessionUser,
): Promise<{ id: string; name: string; district: string }[]> {
  let qb = db.selectFrom('squads').select(['id', 'name', 'district']).orderBy('name');
  if (user.role !== 'admin')
    qb = qb.where('id', 'in', user.supervisedSquadIds.length ? user.supervisedSquadIds : ['-']);
  return qb.execute();
}

/** Field officers a console user may filter by: all for an administrator, else their squads'. */
export async function officerOptions(
  db: Db,
  user: SessionUser,
): Promise<{ id: string; real_name: string; squad_id: string | null }[]> {
  let qb = db
    .selectFrom('users')
    .select(['id', 'real_name', 'squad_id'])
    .where('role', '=', 'officer')
    .orderBy('real_name');
  if (user.role !== 'admin')
    qb = qb.where(
      'squad_id',
      'in',
      user.supervisedSquadIds.length ? user.supervisedSquadIds : ['-'],
    );
  return qb.execute();
}
