import { json } from '@sveltejs/kit';
import { config } from '$lib/server/config';

export const GET = () => json({ status: 'ok', db: config().db });
