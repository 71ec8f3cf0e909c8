import { z } from 'zod';
import { ENDPOINTS, apiErrorSchema, type EndpointSpec } from '$lib/sync/endpoints';
import { SESSION_COOKIE } from './auth/sessions';

type Json = Record<string, unknown>;

/**
 * A fixed-length array whose items all have the same schema (the record's two officers) is
 * written as an array of that item with minItems = maxItems, not as `prefixItems`: common tools
 * (mock servers, older validators) do not read tuples.
 */
function plainArrays(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(plainArrays);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = plainArrays(v);
  const prefix = out.prefixItems;
  if (Array.isArray(prefix) && prefix.length > 0) {
    const first = JSON.stringify(prefix[0]);
    if (prefix.every((p) => JSON.stringify(p) === first)) {
      delete out.prefixItems;
      out.items = prefix[0];
      out.minItems = prefix.length;
      out.maxItems = prefix.length;
    }
  }
  return out;
}

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as Json;
  delete out.$schema;
  return plainArrays(out) as Json;
}

function parameters(spec: EndpointSpec): Json[] {
  const out: Json[] = [];
  for (const [where, obj] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!obj) continue;
    const js = schemaOf(obj, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(js.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (js.required ?? []).includes(name),
        schema,
      });
    }
  }
  return out;
}

const STATUS_TEXT: Record<number, string> = {
  400: '请求格式不正确',
  401: '未登录或登录已失效',
  403: '无权访问',
  404: '不存在',
  409: '与当前状态冲突（如记录已被审核、手机已登记在他人名下、文书不能打印）',
  413: '请求内容过大',
  415: '内容类型不支持',
  422: '内容与哈希不符',
  429: '尝试次数过多',
  503: '服务不可用',
};

const bytes = (media: string): Json => ({ schema: { type: 'string', contentMediaType: media } });

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(serverUrl: string): Json {
  const paths: Record<string, Json> = {};
  const schemas: Record<string, Json> = { ApiError: schemaOf(apiErrorSchema, 'output') };
  const named = (name: string, schema: z.ZodType, io: 'input' | 'output'): Json => {
    schemas[name] ??= schemaOf(schema, io);
    return { schema: { $ref: `#/components/schemas/${name}` } };
  };
  for (const spec of ENDPOINTS) {
    const r = spec.response;
    const content: Json | undefined =
      r === 'empty'
        ? undefined
        : 'json' in r
          ? { 'application/json': named(r.name, r.json, 'output') }
          : Object.fromEntries(r.media.map((m) => [m, bytes(m)]));
    for (const alt of spec.alternates ?? []) {
      if (content)
        content[alt.media] = {
          schema: { type: 'string', contentMediaType: alt.media, description: alt.description },
        };
    }
    const ok = { description: 'OK', ...(content ? { content } : {}) };
    const responses: Json = { [spec.status ?? 200]: ok };
    for (const also of spec.alsoOk ?? [])
      responses[also.status] = { ...ok, description: also.description };
    // A state-changing request from another site is refused before any handler (403).
    const writes = spec.method === 'post' || spec.method === 'put';
    const errors = writes && !spec.errors.includes(403) ? [...spec.errors, 403] : spec.errors;
    for (const status of errors.sort((x, y) => x - y)) {
      responses[status] = {
        description: STATUS_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
      };
    }
    const operation: Json = {
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      operationId: `${spec.method}${spec.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: parameters(spec),
      responses,
      security:
        spec.auth === 'public' ? [] : spec.auth === 'system' ? [{ apiKey: [] }] : [{ session: [] }],
    };
    if (spec.body) {
      operation.requestBody = {
        required: true,
        content:
          'json' in spec.body
            ? { 'application/json': named(spec.body.name, spec.body.json, 'input') }
            : Object.fromEntries(spec.body.media.map((m) => [m, bytes(m)])),
      };
    }
    paths[spec.path] = { ...paths[spec.path], [spec.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Patrolbook API（柔性执法助手）',
      version: '1',
      description:
        '执法记录同步、证据文件、文书编号和首违台账接口。错误统一为 JSON { code, message, issues? }' +
        '（包括来自其他网站的写请求：403 crossOrigin）。' +
        `登录后服务器以 HttpOnly Cookie「${SESSION_COOKIE}」保存会话，之后的请求携带它即可。`,
    },
    servers: [{ url: serverUrl }],
    tags: [...new Set(ENDPOINTS.map((e) => e.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: '登录（POST /api/auth/login）时设置的会话 Cookie。',
        },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: '管理员为外部系统（城市运行管理服务平台）签发的接口密钥，形如 pbk_…。',
        },
      },
    },
  };
}
