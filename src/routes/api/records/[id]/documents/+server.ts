import { json } from '@sveltejs/kit';
import { DOC_TITLES } from '$lib/notices/content';
import { app } from '$lib/server/app';
import { api, parseOr400, requireUser } from '$lib/server/http';
import { readableRecord } from '$lib/server/repos/records';
import { assignedNumbersOf } from '$lib/server/services/numbers';
import { recordParamsSchema } from '$lib/sync/contract';

export const GET = api(async (event) => {
  const user = requireUser(event);
  const { id } = parseOr400(recordParamsSchema, event.params, '记录编号');
  const ctx = await app();
  const { record } = await readableRecord(ctx.db, user, id);
  const assigned = await assignedNumbersOf(ctx.db, id);
  return json({
    documents: record.documents.map((d) => ({
      id: d.id,
      docType: d.docType,
      title: DOC_TITLES[d.docType],
      number: d.number,
      assignedNumber: assigned.get(d.id) ?? null,
      url: `/api/records/${id}/documents/${d.id}`,
    })),
  });
});
