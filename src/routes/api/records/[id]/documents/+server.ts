import { json } from '@sveltejs/kit';
import type { LockedRecord } from '$lib/domain/record';
import { DOC_TITLES } from '$lib/notices/content';
import { app } from '$lib/server/app';
import { api, HttpError, parseOr400, requireUser } from '$lib/server/http';
import { canRead, recordRow } from '$lib/server/repos/records';
import { recordParamsSchema } from '$lib/sync/contract';

export const GET = api(async (event) => {
  const user = requireUser(event);
  const { id } = parseOr400(recordParamsSchema, event.params, '记录编号');
  const ctx = await app();
  const row = await recordRow(ctx.db, id);
  if (!row) throw new HttpError(404, 'notFound', '记录不存在');
  if (!canRead(user, row)) throw new HttpError(403, 'forbidden', '无权查看此记录');
  const version = await ctx.db
    .selectFrom('record_versions')
    .select('body')
    .where('record_id', '=', id)
    .where('version', '=', row.latest_version)
    .executeTakeFirstOrThrow();
  const record = JSON.parse(version.body) as LockedRecord;
  const assigned = await ctx.db
    .selectFrom('provisional_numbers')
    .select(['document_id', 'assigned'])
    .where('record_id', '=', id)
    .execute();
  return json({
    documents: record.documents.map((d) => ({
      id: d.id,
      docType: d.docType,
      title: DOC_TITLES[d.docType],
      number: d.number,
      assignedNumber: assigned.find((a) => a.document_id === d.id)?.assigned ?? null,
      url: `/api/records/${id}/documents/${d.id}`,
    })),
  });
});
