import type { z } from 'zod';
import {
  apiErrorSchema,
  blobParamsSchema,
  healthSchema,
  ledgerQuerySchema,
  ledgerResponseSchema,
  loginRequestSchema,
  meSchema,
  pullQuerySchema,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  recordDetailSchema,
  recordParamsSchema,
  recordsQuerySchema,
  recordsResponseSchema,
  reserveRequestSchema,
  reserveResponseSchema,
  reviewRequestSchema,
  reviewSchema,
  documentListSchema,
  documentParamsSchema,
  documentQuerySchema,
  statsQuerySchema,
  statsSchema,
} from './contract';

/**
 * Every JSON endpoint with the schemas that validate it. /api/openapi.json is generated from this
 * table, and a test checks that each route file under src/routes/api appears here.
 */
export type EndpointSpec = {
  method: 'get' | 'post' | 'put' | 'head';
  path: string;
  summary: string;
  auth: 'public' | 'user' | 'officer';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType | 'binary';
  response: z.ZodType | 'binary' | 'empty';
  status?: number;
  errors: number[];
};

export { apiErrorSchema };

export const ENDPOINTS: EndpointSpec[] = [
  {
    method: 'get',
    path: '/api/health',
    summary: '服务与数据库状态',
    auth: 'public',
    response: healthSchema,
    errors: [503],
  },
  {
    method: 'post',
    path: '/api/auth/login',
    summary: '用户名密码登录，并登记设备',
    auth: 'public',
    body: loginRequestSchema,
    response: meSchema,
    errors: [400, 401, 413, 415, 429],
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    summary: '退出登录（撤销会话）',
    auth: 'public',
    response: 'empty',
    errors: [],
  },
  {
    method: 'get',
    path: '/api/auth/me',
    summary: '当前用户、中队、花名册',
    auth: 'user',
    response: meSchema,
    errors: [401],
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    summary: '本接口文档（OpenAPI 3.1）',
    auth: 'public',
    response: 'empty',
    errors: [],
  },
  {
    method: 'head',
    path: '/api/blobs/{sha256}',
    summary: '证据文件是否已存在',
    auth: 'user',
    params: blobParamsSchema,
    response: 'empty',
    errors: [400, 401, 404],
  },
  {
    method: 'put',
    path: '/api/blobs/{sha256}',
    summary: '上传证据文件（请求体为文件字节，服务器校验哈希与类型）',
    auth: 'user',
    params: blobParamsSchema,
    body: 'binary',
    response: 'empty',
    status: 201,
    errors: [400, 401, 413, 415, 422],
  },
  {
    method: 'get',
    path: '/api/blobs/{sha256}',
    summary: '下载证据文件（仅限可查看引用它的记录的用户）',
    auth: 'user',
    params: blobParamsSchema,
    response: 'binary',
    errors: [400, 401, 403, 404],
  },
  {
    method: 'post',
    path: '/api/sync/push',
    summary: '推送已完成的记录（每条单独判定结果）',
    auth: 'officer',
    body: pushRequestSchema,
    response: pushResponseSchema,
    errors: [400, 401, 403, 413, 415],
  },
  {
    method: 'get',
    path: '/api/sync/pull',
    summary: '拉取自游标以来的变更',
    auth: 'user',
    query: pullQuerySchema,
    response: pullResponseSchema,
    errors: [400, 401],
  },
  {
    method: 'post',
    path: '/api/numbers/reserve',
    summary: '为设备预留一段文书编号',
    auth: 'officer',
    body: reserveRequestSchema,
    response: reserveResponseSchema,
    status: 201,
    errors: [400, 401, 403, 413, 415],
  },
  {
    method: 'get',
    path: '/api/ledger',
    summary: '按当事人匹配键查询首违台账',
    auth: 'user',
    query: ledgerQuerySchema,
    response: ledgerResponseSchema,
    errors: [400, 401],
  },
  {
    method: 'get',
    path: '/api/records',
    summary: '可查看的记录，新到旧，键集分页',
    auth: 'user',
    query: recordsQuerySchema,
    response: recordsResponseSchema,
    errors: [400, 401],
  },
  {
    method: 'get',
    path: '/api/records/{id}/documents',
    summary: '记录的文书清单（编号、下载地址）',
    auth: 'user',
    params: recordParamsSchema,
    response: documentListSchema,
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/records/{id}/documents/{docId}',
    summary: '文书 PDF（服务器用与手机相同的代码生成；layout=a4|80mm|58mm）',
    auth: 'user',
    params: documentParamsSchema,
    query: documentQuerySchema,
    response: 'binary',
    errors: [400, 401, 403, 404],
  },
  {
    method: 'post',
    path: '/api/records/{id}/reviews',
    summary: '审核：通过、退回（附意见）或转一般程序',
    auth: 'user',
    params: recordParamsSchema,
    body: reviewRequestSchema,
    response: reviewSchema,
    status: 201,
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: 'get',
    path: '/api/records/{id}',
    summary: '一条记录及其版本和审核历史',
    auth: 'user',
    params: recordParamsSchema,
    response: recordDetailSchema,
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/stats',
    summary: '月度统计（JSON），或 format=csv|xlsx 导出月报',
    auth: 'user',
    query: statsQuerySchema,
    response: statsSchema,
    errors: [400, 401, 403],
  },
];
