import { app } from '$lib/server/app';
import { api, HttpError, parseOr400 } from '$lib/server/http';
import { requireSystem, systemTaskPhoto } from '$lib/server/services/tasks';
import { casePhotoParamsSchema } from '$lib/sync/contract';

/** A photo of the system's task: sent with it, or attached when it was closed as unfounded. */
export const GET = api(async (event) => {
  const ctx = await app();
  const system = await requireSystem(ctx.db, event.request);
  const { caseId, sha256 } = parseOr400(casePhotoParamsSchema, event.params, '照片');
  const photo = await systemTaskPhoto(ctx.db, system.id, caseId, sha256);
  if (!photo || !(await ctx.blobs.has(sha256))) throw new HttpError(404, 'notFound', '照片不存在');
  return new Response(ctx.blobs.read(sha256), {
    headers: {
      'content-type': photo.mime,
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    },
  });
});
