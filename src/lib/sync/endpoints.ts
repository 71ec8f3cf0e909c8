import type { z } from 'zod';
import { TASK_PHOTO_MEDIA } from '../domain/tasks';
import {
  apiErrorSchema,
  blobUploadSchema,
  blobsNeededRequestSchema,
  blobsNeededResponseSchema,
  logoutResponseSchema,
  confirmationRequestSchema,
  confirmationSchema,
  blobParamsSchema,
  healthSchema,
  ledgerQuerySchema,
  ledgerResponseSchema,
  loginRequestSchema,
  meSchema,
  pullQuerySchema,
  deviceStatusSchema,
  deviceKeySchema,
  wipedRequestSchema,
  wipedResponseSchema,
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
  platformTaskRequestSchema,
  platformTaskResponseSchema,
  platformTaskDetailSchema,
  platformResultsQuerySchema,
  casePhotoParamsSchema,
  platformResultsResponseSchema,
  caseParamsSchema,
} from './contract';

/**
 * Every JSON endpoint with the schemas that validate it. /api/openapi.json is generated from this
 * table, and a test checks that each route file under src/routes/api appears here.
 */
export type EndpointSpec = {
  method: 'get' | 'post' | 'put' | 'head';
  path: string;
  /** Groups operations in the document: 认证, 同步, 证据, 记录, 文书, 统计, 系统, 平台任务. */
  tag: string;
  summary: string;
  /** Longer explanation for integrators, when the summary is not enough. */
  description?: string;
  /** `system`: a platform's API key (`Authorization: Bearer pbk_…`), not a user's session. */
  auth: 'public' | 'user' | 'officer' | 'system';
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON body (named in components.schemas), or raw bytes of these media types. */
  body?: { json: z.ZodType; name: string } | { media: readonly string[] };
  /** A JSON answer (named), bytes of these media types, or no body. */
  response: { json: z.ZodType; name: string } | { media: readonly string[] } | 'empty';
  /** The success status (200 unless given) and any other success status with the same body. */
  status?: number;
  alsoOk?: { status: number; description: string }[];
  /** Other media types the success answer can take (e.g. a report as CSV or XLSX). */
  alternates?: { media: string; description: string }[];
  errors: number[];
};

/** Media types of evidence files (what the blob store accepts). */
export const EVIDENCE_MEDIA = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;

export { apiErrorSchema };

export const ENDPOINTS: EndpointSpec[] = [
  {
    method: 'get',
    path: '/api/health',
    tag: '系统',
    summary: '服务与数据库状态',
    auth: 'public',
    response: { json: healthSchema, name: 'Health' },
    errors: [503],
  },
  {
    method: 'post',
    path: '/api/auth/login',
    tag: '认证',
    summary: '用户名密码登录，并登记设备',
    auth: 'public',
    body: { json: loginRequestSchema, name: 'LoginRequest' },
    response: { json: meSchema, name: 'Me' },
    errors: [400, 401, 409, 413, 415, 429],
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    tag: '认证',
    summary: '退出登录（撤销会话）',
    auth: 'public',
    response: { json: logoutResponseSchema, name: 'LogoutResponse' },
    errors: [],
  },
  {
    method: 'get',
    path: '/api/auth/me',
    tag: '认证',
    summary: '当前用户、中队、花名册',
    auth: 'user',
    response: { json: meSchema, name: 'Me' },
    errors: [401],
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    tag: '系统',
    summary: '本接口文档（OpenAPI 3.1）',
    auth: 'public',
    response: { media: ['application/json'] },
    errors: [],
  },
  {
    method: 'post',
    path: '/api/blobs/needed',
    tag: '证据',
    summary: '推送记录前，哪些证据文件需要上传',
    description:
      '答复所列文件中需上传的：服务器没有的，以及本账号从未上传过的（能查看引用它的记录不等于持有该文件）。与推送的 missingBlobs 判定同一规则：未列出的文件，推送时不会因它答 missingBlobs。',
    auth: 'user',
    body: { json: blobsNeededRequestSchema, name: 'BlobsNeededRequest' },
    response: { json: blobsNeededResponseSchema, name: 'BlobsNeededResponse' },
    errors: [400, 401, 413, 415],
  },
  {
    method: 'head',
    path: '/api/blobs/{sha256}',
    tag: '证据',
    summary: '证据文件是否存在且本账号可读取（上传前请用 POST /api/blobs/needed）',
    description:
      '200：服务器有该文件且本账号可以读取（无响应体，content-type 为文件类型）；404：没有或无权读取。推送前判断是否需上传请用 POST /api/blobs/needed。',
    auth: 'user',
    params: blobParamsSchema,
    response: 'empty',
    errors: [400, 401, 404],
  },
  {
    method: 'put',
    path: '/api/blobs/{sha256}',
    tag: '证据',
    summary: '上传证据文件（请求体为文件字节，服务器校验哈希与类型）',
    auth: 'user',
    params: blobParamsSchema,
    description:
      '请求体为文件字节（JPEG、PNG、WebP 或 PDF；也可用 application/octet-stream，由服务器按内容判断类型）。服务器校验 SHA-256 与路径一致。重复上传同一文件答 200，existed 为 true。',
    body: { media: [...EVIDENCE_MEDIA, 'application/octet-stream'] },
    response: { json: blobUploadSchema, name: 'BlobUpload' },
    status: 201,
    alsoOk: [{ status: 200, description: '服务器已有该文件（重复上传），未改变任何内容' }],
    errors: [400, 401, 413, 415, 422],
  },
  {
    method: 'get',
    path: '/api/blobs/{sha256}',
    tag: '证据',
    summary: '下载证据文件（仅限可查看引用它的记录的用户）',
    auth: 'user',
    params: blobParamsSchema,
    response: { media: EVIDENCE_MEDIA },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'post',
    path: '/api/sync/push',
    tag: '同步',
    summary: '推送已完成的记录（每条单独判定结果）',
    auth: 'officer',
    body: { json: pushRequestSchema, name: 'PushRequest' },
    response: { json: pushResponseSchema, name: 'PushResponse' },
    errors: [400, 401, 403, 413, 415],
  },
  {
    method: 'get',
    path: '/api/sync/pull',
    tag: '同步',
    summary: '拉取自游标以来的变更',
    auth: 'user',
    query: pullQuerySchema,
    response: { json: pullResponseSchema, name: 'PullResponse' },
    errors: [400, 401],
  },
  {
    method: 'post',
    path: '/api/numbers/reserve',
    tag: '同步',
    summary: '为设备预留一段文书编号',
    auth: 'officer',
    body: { json: reserveRequestSchema, name: 'ReserveRequest' },
    response: { json: reserveResponseSchema, name: 'ReserveResponse' },
    status: 201,
    errors: [400, 401, 403, 413, 415],
  },
  {
    method: 'get',
    path: '/api/device/status',
    tag: '同步',
    summary: '本机是否已被要求清除数据（每次同步前查询）',
    description:
      '管理员停用账号或报告手机丢失后，该手机的会话只能推送证据和记录、查询本接口并报告清除，其余接口答 401 wipeOrdered。',
    auth: 'officer',
    response: { json: deviceStatusSchema, name: 'DeviceStatus' },
    errors: [401, 403],
  },
  {
    method: 'post',
    path: '/api/device/wiped',
    tag: '同步',
    summary: '报告本机已送出未同步记录并清除本地数据',
    auth: 'officer',
    body: { json: wipedRequestSchema, name: 'WipedRequest' },
    response: { json: wipedResponseSchema, name: 'WipedResponse' },
    errors: [400, 401, 403, 409, 413, 415],
  },
  {
    method: 'put',
    path: '/api/device/key',
    tag: '同步',
    summary: '把本机数据密钥交服务器托管（设置 PIN 后）',
    auth: 'officer',
    body: { json: deviceKeySchema, name: 'DeviceKey' },
    response: 'empty',
    status: 204,
    errors: [400, 401, 403, 413, 415],
  },
  {
    method: 'get',
    path: '/api/device/key',
    tag: '同步',
    summary: '忘记 PIN 时取回本机数据密钥（仅限刚用密码登录的本机）',
    description: '会话须在 10 分钟内由密码登录建立，且属于托管该密钥的同一台手机；否则 403。',
    auth: 'officer',
    response: { json: deviceKeySchema, name: 'DeviceKey' },
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/ledger',
    tag: '同步',
    summary: '按当事人匹配键查询首违台账',
    auth: 'user',
    query: ledgerQuerySchema,
    response: { json: ledgerResponseSchema, name: 'LedgerResponse' },
    errors: [400, 401],
  },
  {
    method: 'get',
    path: '/api/records',
    tag: '记录',
    summary: '可查看的记录，新到旧，键集分页',
    auth: 'user',
    query: recordsQuerySchema,
    response: { json: recordsResponseSchema, name: 'RecordsResponse' },
    errors: [400, 401],
  },
  {
    method: 'get',
    path: '/api/records/{id}/documents',
    tag: '文书',
    summary: '记录的文书清单（编号、下载地址）',
    auth: 'user',
    params: recordParamsSchema,
    response: { json: documentListSchema, name: 'DocumentList' },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/records/{id}/documents/{docId}',
    tag: '文书',
    summary: '文书 PDF（服务器用与手机相同的代码生成；layout=a4|80mm|58mm）',
    auth: 'user',
    params: documentParamsSchema,
    query: documentQuerySchema,
    response: { media: ['application/pdf'] },
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: 'post',
    path: '/api/records/{id}/reviews',
    tag: '记录',
    summary: '审核：通过、退回（附意见）或转一般程序',
    auth: 'user',
    params: recordParamsSchema,
    body: { json: reviewRequestSchema, name: 'ReviewRequest' },
    response: { json: reviewSchema, name: 'Review' },
    status: 201,
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: 'post',
    path: '/api/records/{id}/confirmations',
    tag: '记录',
    summary: '执法人员确认或否认参与本记录（被记录列为执法人员、但未提交该记录的本人）',
    auth: 'officer',
    params: recordParamsSchema,
    body: { json: confirmationRequestSchema, name: 'ConfirmationRequest' },
    response: { json: confirmationSchema, name: 'Confirmation' },
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: 'get',
    path: '/api/records/{id}',
    tag: '记录',
    summary: '一条记录及其版本和审核历史',
    auth: 'user',
    params: recordParamsSchema,
    response: { json: recordDetailSchema, name: 'RecordDetail' },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/stats',
    tag: '统计',
    summary: '月度统计（JSON），或 format=csv|xlsx 导出月报',
    auth: 'user',
    query: statsQuerySchema,
    response: { json: statsSchema, name: 'Stats' },
    alternates: [
      { media: 'text/csv', description: 'format=csv：UTF-8（带 BOM）月报' },
      {
        media: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        description: 'format=xlsx：Excel 月报，每个表一页',
      },
    ],
    errors: [400, 401, 403],
  },
  {
    method: 'post',
    path: '/api/platform/tasks',
    tag: '平台任务',
    summary: '城市运行管理服务平台派发任务（按平台案件编号幂等）',
    description:
      '平台以本系统发给它的接口密钥（Authorization: Bearer pbk_…）调用。同一案件编号、同样内容再次提交答 200 且 duplicate 为 true，不重复保存；' +
      '同一编号、不同内容答 409 caseIdConflict。照片以 Base64 随任务提交（JPEG、PNG 或 WebP，每张不超过 3 MB，最多 4 张）。' +
      '任何一项不合格时答 400 并列出问题，什么也不保存。',
    auth: 'system',
    body: { json: platformTaskRequestSchema, name: 'PlatformTaskRequest' },
    response: { json: platformTaskResponseSchema, name: 'PlatformTaskResponse' },
    status: 201,
    alsoOk: [{ status: 200, description: '该案件编号已收到过同样内容的任务（duplicate: true）' }],
    errors: [400, 401, 409, 413, 415],
  },
  {
    method: 'get',
    path: '/api/platform/tasks/{caseId}',
    tag: '平台任务',
    summary: '按平台案件编号查询任务及其状态（办结后附处置结果）',
    auth: 'system',
    params: caseParamsSchema,
    response: { json: platformTaskDetailSchema, name: 'PlatformTaskDetail' },
    errors: [400, 401, 404],
  },
  {
    method: 'get',
    path: '/api/platform/tasks/{caseId}/photos/{sha256}',
    tag: '平台任务',
    summary: '本系统任务的照片：平台发来的，或不予立案时所附的现场照片（按结果中的 SHA-256 取）',
    auth: 'system',
    params: casePhotoParamsSchema,
    response: { media: [...TASK_PHOTO_MEDIA] },
    errors: [400, 401, 404],
  },
  {
    method: 'get',
    path: '/api/platform/results',
    tag: '平台任务',
    summary:
      '拉取本系统任务的处置结果（游标之后，按序）；以游标再次请求即确认此前的结果已收到。配置了回传地址的系统另由 webhook 推送同样的结果（签名头 X-Patrolbook-Signature: t=秒级时间戳,v1=HMAC-SHA256(密钥, "t.正文") 的十六进制；Idempotency-Key 为 eventId，重试不变）',
    auth: 'system',
    query: platformResultsQuerySchema,
    response: { json: platformResultsResponseSchema, name: 'PlatformResults' },
    errors: [400, 401],
  },
];
