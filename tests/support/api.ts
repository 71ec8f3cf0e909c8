import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { LockedRecord, RecordContent } from '$lib/domain/record';
import { uuidv7 } from '$lib/domain/uuid';
import { nonConformance } from './conformance';
import { lockedRecord, type RecordOptions } from './factories';
import { REVIEW_CHECKS } from '$lib/domain/lifecycle';

/** A small HTTP client with a cookie jar, so each test user has their own session. */
export class ApiClient {
  private cookie: string | null = null;
  /**
   * Off only in benchmarks, where the check (a copy of every answer validated against the
   * OpenAPI document) would be measured as the server's time.
   */
  checkAnswers = true;

  /** A device id of its own, or the one given (the same phone after a server restart). */
  constructor(
    readonly base: string,
    readonly deviceId = uuidv7(),
  ) {}

  async request(
    method: string,
    path: string,
    options: {
      json?: unknown;
      body?: BodyInit | Uint8Array;
      headers?: Record<string, string>;
    } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    let body = options.body as BodyInit | undefined;
    if (options.body instanceof Uint8Array && !headers['content-type'])
      headers['content-type'] = 'application/octet-stream';
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    const wrong = this.checkAnswers
      ? await nonConformance(this.base, method, path, res.clone())
      : null;
    if (wrong) throw new Error(`The answer differs from /api/openapi.json: ${wrong}`);
    const set = res.headers.getSetCookie();
    for (const c of set) {
      const [pair] = c.split(';');
      if (pair?.startsWith('pb_session=')) this.cookie = pair.endsWith('=') ? null : pair;
    }
    return res;
  }

  async json<T = unknown>(
    method: string,
    path: string,
    json?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await this.request(method, path, json === undefined ? {} : { json });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async login(username: string, password = 'demo1234') {
    const r = await this.json<{ id: string }>('POST', '/api/auth/login', {
      username,
      password,
      deviceId: this.deviceId,
    });
    if (r.status !== 200)
      throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async upload(bytes: Uint8Array): Promise<string> {
    const sha = sha256(bytes);
    const res = await this.request('PUT', `/api/blobs/${sha}`, {
      body: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (res.status !== 201 && res.status !== 200)
      throw new Error(`upload: ${res.status} ${await res.text()}`);
    return sha;
  }

  push(records: unknown[], deviceId = this.deviceId) {
    return this.json<{ results: { status: string; [k: string]: unknown }[] }>(
      'POST',
      '/api/sync/push',
      { deviceId, records },
    );
  }
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A valid, unique PNG (1x1 pixel of a colour derived from the seed). */
export function tinyPng(seed: string): Uint8Array {
  const h = createHash('sha256').update(seed).digest();
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.from([0, h[0] ?? 0, h[1] ?? 0, h[2] ?? 0, h[3] ?? 0, h[4] ?? 0, h[5] ?? 0]);
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Demo officers (DEMO_SEED): officer1/officer2 in 金安区中队, officer3/officer4 in 裕安区中队… */
export const DEMO_OFFICERS = {
  officer1: { userId: 'u-officer1', name: '张伟', certificateNo: '34151001' },
  officer2: { userId: 'u-officer2', name: '王喆', certificateNo: '34151002' },
  officer3: { userId: 'u-officer3', name: '李堃', certificateNo: '34151003' },
  officer4: { userId: 'u-officer4', name: '刘洋', certificateNo: '34151004' },
  officer5: { userId: 'u-officer5', name: '陈静', certificateNo: '34151005' },
  officer6: { userId: 'u-officer6', name: '杨帆', certificateNo: '34151006' },
} as const;

/**
 * Builds a record by the demo's officer1 + officer2 (or the pair given), uploads its evidence
 * and signature files through `client`, and returns the locked record ready to push.
 */
export async function uploadedRecord(
  client: ApiClient,
  options: RecordOptions & { upload?: boolean } = {},
): Promise<{ record: LockedRecord; hashes: string[]; files: Uint8Array[] }> {
  const id = options.id ?? uuidv7();
  const files = ['before', 'after', 'party', 'sig1', 'sig2'].map((k) => tinyPng(`${id}:${k}`));
  const hashes = files.map((f) => sha256(f));
  if (options.upload !== false) for (const f of files) await client.upload(f);
  const record = await lockedRecord({
    id,
    officers: [DEMO_OFFICERS.officer1, DEMO_OFFICERS.officer2],
    squadId: 'sq-jinan',
    deviceId: client.deviceId,
    evidenceHashes: hashes,
    now: new Date().toISOString(),
    ...options,
  });
  return { record, hashes, files };
}

/**
 * The content with every signature drawn anew (new images, uploaded through `client`): what an
 * amendment that changes what the signatures attest needs before the server takes it.
 */
export async function resigned(
  client: ApiClient,
  content: RecordContent,
  seed: string,
  signedAt = content.completedAt,
): Promise<RecordContent> {
  const image = async (k: string) => client.upload(tinyPng(`${content.id}:${seed}:${k}`));
  const p = content.signatures.party;
  const party =
    p.kind === 'signed'
      ? { ...p, signature: { ...p.signature, sha256: await image('party'), signedAt } }
      : p.kind === 'refused'
        ? {
            ...p,
            witness: {
              ...p.witness,
              signature: { ...p.witness.signature, sha256: await image('witness'), signedAt },
            },
          }
        : p;
  const [o1, o2] = content.signatures.officers;
  return {
    ...content,
    signatures: {
      party,
      officers: [
        { ...o1, sha256: await image('o1'), signedAt },
        { ...o2, sha256: await image('o2'), signedAt },
      ],
    },
  };
}

/** A console session cookie (form posts need it and a same-origin Origin header). */
export async function consoleSession(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/console/login?/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ username, password: 'demo1234', next: '/console' }),
    redirect: 'manual',
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pb_session='));
  if (!cookie) throw new Error(`console login failed: ${res.status}`);
  return cookie.split(';')[0] ?? '';
}

/** Posts a console form as the holder of `cookie`; returns the status and the page. */
export async function consoleForm(
  base: string,
  cookie: string,
  path: string,
  fields: Record<string, string | Blob>,
): Promise<{ status: number; text: string; location: string | null }> {
  // With a file among the fields, the form goes as multipart (the browser's enctype).
  const files = Object.values(fields).some((v) => typeof v !== 'string');
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const res = await fetch(base + path, {
    method: 'POST',
    headers: {
      ...(files ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      origin: base,
      cookie,
    },
    body: files ? form : new URLSearchParams(fields as Record<string, string>),
    redirect: 'manual',
  });
  return { status: res.status, text: await res.text(), location: res.headers.get('location') };
}

/** The review items all confirmed, as an approval needs them. */
export const ALL_CHECKED = Object.fromEntries(REVIEW_CHECKS.map((c) => [c, true]));

/**
 * An officer named on a record (officer2 by default) confirms on their own account that they
 * took part: what a supervisor's approval waits for (ADR 0012).
 */
export async function confirmTakingPart(
  base: string,
  recordId: string,
  username = 'officer2',
  part: 'inspection' | 'reinspection' = 'inspection',
): Promise<void> {
  const c = new ApiClient(base);
  await c.login(username);
  const r = await c.json('POST', `/api/records/${recordId}/confirmations`, {
    part,
    decision: 'confirm',
  });
  if (r.status !== 200)
    throw new Error(`confirm ${recordId}: ${r.status} ${JSON.stringify(r.body)}`);
}
