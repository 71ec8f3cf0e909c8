import { app } from '$lib/server/app';
import { ALLOWED_BLOB_MIME, sniffMime } from '$lib/server/blobs/store';
import {
  api,
  discardBody,
  formatBytes,
  HttpError,
  parseOr400,
  requireUser,
} from '$lib/server/http';
import { blobMeta, recordBlob } from '$lib/server/repos/blobs';
import { canReadBlob } from '$lib/server/repos/records';
import { blobParamsSchema } from '$lib/sync/contract';

/**
 * Before an upload: does this user already have this file on the server (uploaded it, or may
 * read a record naming it)? A file held only for others answers 404 like a missing one, so a hash
 * tells nobody whether the file exists; the phone then uploads the bytes, which proves it has
 * them.
 */
export const HEAD = api(async (event) => {
  const user = requireUser(event);
  const { sha256 } = parseOr400(blobParamsSchema, event.params, '文件哈希');
  const ctx = await app();
  const row = await blobMeta(ctx.db, sha256);
  if (!row || !(await canReadBlob(ctx.db, user, sha256)))
    return new Response(null, { status: 404 });
  return new Response(null, {
    status: 200,
    headers: { 'content-length': String(row.size), 'content-type': row.mime },
  });
});

export const PUT = api(async (event) => {
  const user = requireUser(event);
  const { sha256 } = parseOr400(blobParamsSchema, event.params, '文件哈希');
  const ctx = await app();
  const max = ctx.config.maxBlobBytes;
  const declared = event.request.headers.get('content-length');
  if (declared !== null && Number(declared) > max) {
    await discardBody(event.request);
    throw new HttpError(413, 'tooLarge', `文件超过 ${formatBytes(max)} 的上限`);
  }
  if (!event.request.body) throw new HttpError(400, 'empty', '文件内容为空');
  let mime: string | null = null;
  const result = await ctx.blobs.put(sha256, event.request.body, {
    maxBytes: max,
    accept: (head) => {
      mime = sniffMime(head);
      return mime !== null && ALLOWED_BLOB_MIME.includes(mime);
    },
  });
  if (!result.ok) {
    await discardBody(event.request).catch(() => undefined);
    switch (result.reason) {
      case 'tooLarge':
        throw new HttpError(413, 'tooLarge', `文件超过 ${formatBytes(max)} 的上限`);
      case 'empty':
        throw new HttpError(400, 'empty', '文件内容为空');
      case 'hashMismatch':
        throw new HttpError(422, 'hashMismatch', '文件内容与哈希不符，未保存', [
          { path: ['sha256'], message: `内容的 SHA-256 为 ${result.actual ?? ''}` },
        ]);
      case 'type':
        throw new HttpError(415, 'unsupportedType', '只接受 JPEG、PNG、WebP 图片或 PDF 文件');
    }
  }
  await recordBlob(ctx.db, {
    sha256,
    size: result.size,
    mime: mime ?? 'application/octet-stream',
    userId: user.id,
  });
  return new Response(JSON.stringify({ sha256, size: result.size, existed: result.existed }), {
    status: result.existed ? 200 : 201,
    headers: { 'content-type': 'application/json' },
  });
});

export const GET = api(async (event) => {
  const user = requireUser(event);
  const { sha256 } = parseOr400(blobParamsSchema, event.params, '文件哈希');
  const ctx = await app();
  const row = await blobMeta(ctx.db, sha256);
  // Not yours to read answers as if it did not exist: a hash reveals nothing.
  if (!row || !(await canReadBlob(ctx.db, user, sha256)))
    throw new HttpError(404, 'notFound', '文件不存在');
  return new Response(ctx.blobs.read(sha256), {
    headers: {
      'content-type': row.mime,
      'content-length': String(row.size),
      'cache-control': 'private, max-age=31536000, immutable',
      etag: `"${sha256}"`,
    },
  });
});
