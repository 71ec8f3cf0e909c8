import type { z } from 'zod';
import { MessageError, type Message } from '$lib/i18n';

/**
 * An API failure with the server's Chinese message, or a network failure (status 0). What it says
 * is kept as a `Message`, worded when shown.
 */
export class ApiFailure extends MessageError {
  constructor(
    public readonly status: number,
    public readonly code: string,
    said: Message,
  ) {
    super(said);
    this.name = 'ApiFailure';
  }
  get offline(): boolean {
    return this.status === 0;
  }
  /** No network, or no session: nothing else in a sync run can succeed. */
  get endsSync(): boolean {
    return this.offline || this.status === 401;
  }
}

/**
 * How requests reach the server: `fetch` in the app; an in-memory server in the sync engine's
 * unit tests. Everything the phone sends goes through one of these.
 */
export type Transport = (path: string, init: RequestInit) => Promise<Response>;

export const httpTransport: Transport = (path, init) =>
  fetch(path, { credentials: 'same-origin', ...init });

async function failureOf(res: Response): Promise<ApiFailure> {
  try {
    // The contract's schema, loaded on the first failure (start-up code does without it).
    const { apiErrorSchema } = await import('$lib/sync/contract');
    const body = apiErrorSchema.safeParse(await res.json());
    if (body.success)
      return new ApiFailure(res.status, body.data.code, {
        code: body.data.code,
        text: body.data.message,
      });
  } catch {
    // not JSON
  }
  return new ApiFailure(res.status, 'http', {
    key: 'err.http',
    params: { status: res.status },
  });
}

export async function request(
  path: string,
  init: RequestInit = {},
  timeoutMs = 30_000,
  transport: Transport = httpTransport,
): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await transport(path, { ...init, signal: controller.signal });
    if (!res.ok && res.status !== 404) throw await failureOf(res);
    return res;
  } catch (e) {
    if (e instanceof ApiFailure) throw e;
    throw new ApiFailure(0, 'network', { key: 'err.network' });
  } finally {
    clearTimeout(timer);
  }
}

/** A JSON call whose response is parsed with the contract's schema (zod at every boundary). */
export async function call<T extends z.ZodType>(
  schema: T,
  path: string,
  options: { method?: string; json?: unknown; timeoutMs?: number; transport?: Transport } = {},
): Promise<z.infer<T>> {
  const res = await request(
    path,
    {
      method: options.method ?? (options.json === undefined ? 'GET' : 'POST'),
      ...(options.json === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(options.json) }),
    },
    options.timeoutMs,
    options.transport,
  );
  if (res.status === 404) throw await failureOf(res);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success) throw new ApiFailure(res.status, 'badResponse', { key: 'err.badResponse' });
  return parsed.data;
}
