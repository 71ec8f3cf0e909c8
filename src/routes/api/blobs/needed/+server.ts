import { json } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { api, parseOr400, readJson, requireUser } from '$lib/server/http';
import { blobHoldings, mustUpload } from '$lib/server/services/ingest/validate';
import { blobsNeededRequestSchema, type BlobsNeededResponse } from '$lib/sync/contract';

/**
 * Before a phone uploads: which of its files must it upload before a record it pushes may name
 * them? Answered by the push's own rule (`mustUpload`), so what this says need not be uploaded is
 * never reported missing by the push. (`HEAD /api/blobs/{sha256}` answers whether the user may
 * read a file, which is not the same: a file of a colleague's record is readable but not proven.)
 */
export const POST = api(async (event) => {
  const user = requireUser(event);
  const { sha256 } = parseOr400(
    blobsNeededRequestSchema,
    await readJson(event.request, 64 * 1024),
    '文件查询',
  );
  const hashes = [...new Set(sha256)];
  const holdings = await blobHoldings((await app()).db, hashes, user.id);
  return json({
    needed: hashes.filter((h) => mustUpload(h, holdings)),
  } satisfies BlobsNeededResponse);
});
