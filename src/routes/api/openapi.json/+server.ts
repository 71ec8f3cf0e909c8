import { json } from '@sveltejs/kit';
import { openApiDocument } from '$lib/server/openapi';

export const GET = ({ url }: { url: URL }) => json(openApiDocument(url.origin));
