import { json, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import type { ApiError, WireIssue } from '$lib/sync/contract';
import type { Role, SessionUser } from './auth/types';
import { parseJsonBytes } from './json-bytes';

/** A failure that becomes `{ code, message, issues? }` with an HTTP status. */
export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly issues?: WireIssue[],
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorResponse(e: HttpError): Response {
  const body: ApiError = {
    code: e.code,
    message: e.message,
    ...(e.issues ? { issues: e.issues } : {}),
  };
  return json(body, { status: e.status, headers: e.headers });
}

export function zodIssues(error: z.ZodError): WireIssue[] {
  return error.issues.slice(0, 50).map((i) => ({
    path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
    message: i.message,
  }));
}

export function parseOr400<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what = '请求内容',
): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, 'invalid', `${what}格式不正确`, zodIssues(r.error));
  return r.data;
}

/**
 * Reads a request body up to `limit` bytes; a larger body is refused with 413 before it is
 * buffered in full.
 */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) {
    await discardBody(request);
    throw new HttpError(413, 'tooLarge', `请求内容超过 ${formatBytes(limit)} 的上限`);
  }
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await drain(reader);
      throw new HttpError(413, 'tooLarge', `请求内容超过 ${formatBytes(limit)} 的上限`);
    }
    chunks.push(value);
  }
  // Not zero-filled (every byte is written just below): a fresh zeroed buffer of this size is
  // freshly mapped memory, a page fault for every 4 KB of it (see json-bytes.ts).
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Reads and drops what is left of a refused body, so the client receives the error reply
 * instead of a reset connection (the adapter's BODY_SIZE_LIMIT caps how much that can be). */
export async function discardBody(request: Request): Promise<void> {
  if (!request.body || request.bodyUsed) return;
  await drain(request.body.getReader());
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    for (;;) {
      const { done } = await reader.read();
      if (done) return;
    }
  } catch {
    // the client went away
  }
}

/** The JSON body; `arrayKey` names the array a large body is made of (see json-bytes.ts). */
export async function readJson(
  request: Request,
  limit = 64 * 1024,
  arrayKey?: string,
): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.includes('application/json')) {
    await discardBody(request);
    throw new HttpError(415, 'unsupportedMediaType', '请求内容类型应为 application/json');
  }
  const bytes = await readBodyBytes(request, limit);
  try {
    return parseJsonBytes(bytes, arrayKey);
  } catch {
    throw new HttpError(400, 'badJson', '请求内容不是有效的 JSON');
  }
}

export function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? (all[0] as string) : all;
  }
  return out;
}

export function requireUser(event: RequestEvent, roles?: readonly Role[]): SessionUser {
  const user = event.locals.user;
  if (!user) throw new HttpError(401, 'unauthenticated', '请先登录');
  if (roles && !roles.includes(user.role)) throw new HttpError(403, 'forbidden', '无权执行此操作');
  return user;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

/** The client's address (adapter-node resolves X-Forwarded-For when ADDRESS_HEADER is set). */
export function clientIp(event: RequestEvent): string {
  try {
    return event.getClientAddress();
  } catch {
    return 'unknown';
  }
}

type Handler = (event: RequestEvent) => Promise<Response> | Response;

/** Wraps an API handler: HttpErrors become JSON errors; anything else a logged 500. */
export function api(handler: Handler): Handler {
  return async (event) => {
    try {
      return await handler(event);
    } catch (e) {
      if (e instanceof HttpError) return await unreadBody(event.request, errorResponse(e));
      // Log the failure without request bodies: they may hold personal data.
      console.error(
        `${event.request.method} ${event.url.pathname} failed:`,
        e instanceof Error ? e.stack : e,
      );
      return await unreadBody(
        event.request,
        errorResponse(new HttpError(500, 'internal', '服务器内部错误，请稍后重试')),
      );
    }
  };
}

/**
 * An answer given before the request body was read (a 401 to a 3 MB upload, say) must not leave
 * the body in the connection, where it would be read as the next request on it. A body up to the
 * largest any endpoint takes is read and dropped, so the client finishes sending and the
 * connection stays usable; anything larger closes the connection after the answer.
 */
const DRAIN_LIMIT = 32 * 1024 * 1024;
export async function unreadBody(request: Request, response: Response): Promise<Response> {
  if (!request.body || request.bodyUsed) return response;
  const length = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(length) && length <= DRAIN_LIMIT) {
    await discardBody(request);
    return response;
  }
  const headers = new Headers(response.headers);
  headers.set('connection', 'close');
  void request.body.cancel().catch(() => undefined);
  return new Response(response.body, { status: response.status, headers });
}
