import { json, type RequestHandler } from '@sveltejs/kit';

/** Unknown API paths answer in the API's own error format, never with an HTML page. */
const notFound: RequestHandler = ({ url }) =>
  json({ code: 'notFound', message: `没有这个接口：${url.pathname}` }, { status: 404 });

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const DELETE = notFound;
export const PATCH = notFound;
