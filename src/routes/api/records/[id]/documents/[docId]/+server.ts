import { app } from '$lib/server/app';
import { api, clientIp, HttpError, parseOr400, queryObject, requireUser } from '$lib/server/http';
import { renderDocument } from '$lib/server/notices';
import { audit } from '$lib/server/repos/audit';
import { readableRecord } from '$lib/server/repos/records';
import { documentParamsSchema, documentQuerySchema } from '$lib/sync/contract';

/** A notice as PDF, rendered from the stored record with the same code the phone uses. */
export const GET = api(async (event) => {
  const user = requireUser(event);
  const { id, docId } = parseOr400(documentParamsSchema, event.params, '文书编号');
  const q = parseOr400(documentQuerySchema, queryObject(event.url), '查询参数');
  const ctx = await app();
  const { record } = await readableRecord(ctx.db, user, id);
  const rendered = await renderDocument(ctx, record, docId, {
    layout: q.layout,
    origin: event.url.origin,
    photos: q.photos === '1',
  });
  if (!rendered) throw new HttpError(404, 'notFound', '该记录没有这份文书');
  if ('blockers' in rendered) {
    const [b] = rendered.blockers;
    throw new HttpError(
      409,
      b?.code === 'noRemedies' ? 'remediesMissing' : 'citationUnconfirmed',
      b?.code === 'unconfirmedCitation'
        ? `文书引用的条款尚未经法制科确认（${b.clauses.join('；')}），不能出具。请法制科在免罚清单中确认后再打印。`
        : '免罚清单未设置行政复议机关和管辖法院，不能出具不予行政处罚决定书。请管理员在“编辑清单”中填写后发布。',
    );
  }
  if (user.role !== 'officer') {
    await audit(ctx.db, {
      userId: user.id,
      action: 'document.download',
      target: docId,
      detail: { recordId: id, layout: q.layout },
      ip: clientIp(event),
    });
  }
  const name = encodeURIComponent(`${rendered.content.title}-${rendered.content.number}.pdf`);
  return new Response(rendered.bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename*=UTF-8''${name}`,
      'cache-control': 'private, no-store',
    },
  });
});
