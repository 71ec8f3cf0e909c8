import { error } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { verifyDocument } from '$lib/server/services/verify';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, setHeaders }) => {
  setHeaders({ 'cache-control': 'no-store', 'x-robots-tag': 'noindex' });
  const printed = url.searchParams.get('h');
  const result = await verifyDocument(await app(), params.id, printed);
  if (!result) error(404, '未找到该文书');
  return { id: params.id, printed, result };
};
