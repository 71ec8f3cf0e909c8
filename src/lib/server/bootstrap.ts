import { randomBytes } from 'node:crypto';
import { DEFAULT_TEMPLATE, DEFAULT_TYPE_WORDS } from '$lib/domain/numbering';
import { DOC_TYPES } from '$lib/domain/record';
import { starterCatalog } from '$lib/domain/starter-catalog';
import type { AppContext } from './app';
import { hashPassword } from './auth/password';
import type { Tx } from './db/db';
import { publishCatalog } from './repos/catalogs';

export type BureauSetup = { id: string; name: string; shortName: string; numberPrefix: string };

export const LUAN: BureauSetup = {
  id: 'luan',
  name: '六安市城市管理局',
  shortName: '六安市城管局',
  numberPrefix: '六城管',
};

/** The bureau, its document-number formats and the starter catalog, in one transaction. */
export async function createBureau(tx: Tx, bureau: BureauSetup, at: string): Promise<void> {
  await tx
    .insertInto('bureaus')
    .values({ id: bureau.id, name: bureau.name, short_name: bureau.shortName, created_at: at })
    .execute();
  await tx
    .insertInto('number_formats')
    .values(
      DOC_TYPES.map((t) => ({
        bureau_id: bureau.id,
        doc_type: t,
        template: DEFAULT_TEMPLATE,
        prefix: bureau.numberPrefix,
        word: DEFAULT_TYPE_WORDS[t],
        width: 4,
      })),
    )
    .execute();
  await publishCatalog(tx, { catalog: starterCatalog, bureauId: bureau.id, userId: null, at });
}

/**
 * First start of a real installation (no demo data): the bureau, the starter catalog and one
 * administrator, whose password comes from ADMIN_PASSWORD or is generated and printed once.
 * Never touches a database that already has a bureau.
 */
export async function bootstrap(
  ctx: AppContext,
  options: { adminPassword: string | null; log: (m: string) => void },
): Promise<boolean> {
  const existing = await ctx.db.selectFrom('bureaus').select('id').limit(1).executeTakeFirst();
  if (existing) return false;
  const at = new Date().toISOString();
  const password = options.adminPassword ?? randomBytes(12).toString('base64url');
  const hash = await hashPassword(password);
  await ctx.db.transaction().execute(async (tx) => {
    await createBureau(tx, LUAN, at);
    await tx
      .insertInto('users')
      .values({
        id: 'u-admin',
        username: 'admin',
        password_hash: hash,
        role: 'admin',
        real_name: '系统管理员',
        certificate_no: null,
        squad_id: null,
        phone: null,
        active: 1,
        created_at: at,
        updated_at: at,
      })
      .execute();
  });
  options.log('');
  options.log(
    `[setup] 首次启动：已创建执法机关“${LUAN.name}”、免罚清单（${starterCatalog.versionId}）和管理员账号 admin。`,
  );
  options.log(
    options.adminPassword
      ? '[setup] 管理员密码为 ADMIN_PASSWORD 的值。'
      : `[setup] 管理员初始密码（只显示这一次，请登录 /console 后创建中队和用户）：${password}`,
  );
  options.log('');
  return true;
}
