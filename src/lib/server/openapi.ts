import { z } from 'zod';
import { ENDPOINTS, apiErrorSchema, type EndpointSpec } from '$lib/sync/endpoints';

type Json = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as Json;
  delete out.$schema;
  return out;
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
  409: '状态已变化（如已被审核）',
  413: '请求内容过大',
  415: '内容类型不支持',
  422: '内容与哈希不符',
  429: '尝试次数过多',
  503: '服务不可用',
};

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(serverUrl: string): Json {
  const paths: Record<string, Json> = {};
  for (const spec of ENDPOINTS) {
    const ok = spec.status ?? 200;
    const responses: Json = {
      [ok]: {
        description: 'OK',
        ...(spec.response === 'empty'
          ? {}
          : spec.response === 'binary'
            ? {
                content: {
                  'application/octet-stream': {
                    schema: { type: 'string', contentMediaType: 'application/octet-stream' },
                  },
                },
              }
            : { content: { 'application/json': { schema: schemaOf(spec.response, 'output') } } }),
      },
    };
    for (const status of spec.errors) {
      responses[status] = {
        description: STATUS_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
      };
    }
    const operation: Json = {
      summary: spec.summary,
      operationId: `${spec.method}${spec.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: parameters(spec),
      responses,
      security: spec.auth === 'public' ? [] : [{ session: [] }],
    };
    if (spec.body) {
      operation.requestBody = {
        required: true,
        content:
          spec.body === 'binary'
            ? Object.fromEntries(
                ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'].map((t) => [
                  t,
                  { schema: { type: 'string', contentMediaType: t } },
                ]),
              )
            : { 'application/json': { schema: schemaOf(spec.body, 'input') } },
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
        '执法记录同步、证据文件、文书编号和首违台账接口。错误统一为 { code, message, issues? }。',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { ApiError: schemaOf(apiErrorSchema, 'output') },
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'pb_session' } },
    },
  };
}
