import { error } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { consoleUser } from '$lib/server/console';
import { taskPhoto } from '$lib/server/services/dispatch';
import { blobParamsSchema } from '$lib/sync/contract';
import type { RequestHandler } from './$types';

/** A photo of a task the user may see on the board (the platform's, or a closing one). */
export const GET: RequestHandler = async ({ locals, params }) => {
  const user = consoleUser(locals);
  const parsed = blobParamsSchema.safeParse(params);
  if (!parsed.success) error(404, '文件不存在');
  const ctx = await app();
  const photo = await taskPhoto(ctx.db, user, parsed.data.sha256);
  if (!photo || !(await ctx.blobs.has(photo.sha256))) error(404, '文件不存在');
  return new Response(ctx.blobs.read(photo.sha256), {
    headers: {
      'content-type': photo.mime,
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    },
  });
};
