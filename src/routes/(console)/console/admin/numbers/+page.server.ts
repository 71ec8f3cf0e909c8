import { fail } from '@sveltejs/kit';
import { DEFAULT_TEMPLATE, DEFAULT_TYPE_WORDS, formatDocNumber } from '$lib/domain/numbering';
import { DOC_TYPES, type DocType } from '$lib/domain/record';
import { shanghaiYear } from '$lib/domain/time';
import { DOC_TITLES } from '$lib/notices/content';
import { app } from '$lib/server/app';
import { findBureau } from '$lib/server/repos/users';
import { requireAdmin } from '$lib/server/console';
import { clientIp } from '$lib/server/http';
import { audit } from '$lib/server/repos/audit';
import { numberFormat } from '$lib/server/services/ingest';
import type { Actions, PageServerLoad } from './$types';
import { field } from '$lib/server/forms';

export const load: PageServerLoad = async ({ locals }) => {
  requireAdmin(locals);
  const ctx = await app();
  const bureau = await findBureau(ctx.db);
  const year = shanghaiYear(new Date());
  const rows = [];
  for (const t of DOC_TYPES) {
    const f = bureau
      ? await numberFormat(ctx.db, bureau.id, t)
      : { template: DEFAULT_TEMPLATE, prefix: '', word: DEFAULT_TYPE_WORDS[t], width: 4 };
    rows.push({ docType: t, title: DOC_TITLES[t], ...f, example: formatDocNumber(f, year, 12) });
  }
  return { bureau: bureau ? { name: bureau.name } : null, rows };
};

export const actions: Actions = {
  save: async (event) => {
    const admin = requireAdmin(event.locals);
    const f = await event.request.formData();
    const docType = field(f, 'docType') as DocType;
    if (!DOC_TYPES.includes(docType)) return fail(400, { error: '文书类型无效' });
    const prefix = field(f, 'prefix').trim();
    const word = field(f, 'word').trim();
    const template = field(f, 'template').trim() || DEFAULT_TEMPLATE;
    const width = Number(field(f, 'width') || 4);
    if (prefix.length > 20 || word.length > 20 || template.length > 100)
      return fail(400, { error: '前缀、字号或格式过长' });
    if (!template.includes('{serial}') || !template.includes('{year}'))
      return fail(400, { error: '编号格式必须包含 {year} 和 {serial}' });
    if (!Number.isInteger(width) || width < 1 || width > 8)
      return fail(400, { error: '序号位数应为 1 到 8' });
    const ctx = await app();
    const bureau = await findBureau(ctx.db);
    if (!bureau) return fail(400, { error: '尚未设置执法机关' });
    await ctx.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('number_formats')
        .values({ bureau_id: bureau.id, doc_type: docType, template, prefix, word, width })
        .onConflict((oc) =>
          oc.columns(['bureau_id', 'doc_type']).doUpdateSet({ template, prefix, word, width }),
        )
        .execute();
      await audit(tx, {
        userId: admin.id,
        action: 'numberFormat.update',
        target: docType,
        detail: { template, prefix, word, width },
        ip: clientIp(event),
      });
    });
    return { saved: DOC_TITLES[docType] };
  },
};
