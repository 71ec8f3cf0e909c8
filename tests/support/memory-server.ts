import { DEFAULT_TEMPLATE } from '$lib/domain/numbering';
import { referencedBlobs, type LockedRecord } from '$lib/domain/record';
import type { Transport } from '$lib/client/api';
import type { Change, Me, PushResult } from '$lib/sync/contract';

/**
 * The sync protocol's server side in memory, for the phone's sync engine in unit tests: blobs by
 * hash, records by (id, version), a change feed with a cursor, number blocks. Each test scripts
 * what the real server would answer in the case it covers (a result per record, a failing
 * batch, no network, an expired session) and reads back every request the engine made.
 */

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type Scripted = (record: LockedRecord) => PushResult | 'crash' | null;

export class MemoryServer {
  /** Files this phone's officer uploaded (held and proven). */
  readonly blobs = new Set<string>();
  /**
   * Files the server holds that this officer may read (a colleague's record names them) but never
   * uploaded: readable (`HEAD` 200), yet a record of theirs may not name one until they upload it.
   */
  readonly readable = new Set<string>();
  readonly records = new Map<string, LockedRecord>();
  readonly changes: Change[] = [];
  readonly calls: string[] = [];
  /** No network at all: every request fails as fetch does. */
  offline = false;
  /** The session has expired: every request answers 401. */
  signedOut = false;
  /** An administrator's order to wipe this phone (the device status the engine asks first). */
  wipe: { reason: 'deactivated' | 'lost'; orderedAt: string } | null = null;
  /** What the phone reported after wiping itself. */
  readonly wipedReports: number[] = [];
  /** The oldest day of the ledger phones keep, as the pull says it (none: not an officer). */
  ledgerSince: string | null = null;
  /** Per record, what the server answers instead of storing it (null: store as usual). */
  script: Scripted = () => null;
  private serial = 0;

  constructor(private me: Me) {}

  readonly transport: Transport = (path, init) =>
    Promise.resolve().then(() => this.answer(path, init));

  private answer(path: string, init: RequestInit): Response {
    const method = init.method ?? 'GET';
    this.calls.push(`${method} ${path}`);
    if (this.offline) throw new TypeError('Failed to fetch');
    if (this.signedOut) return json({ code: 'unauthenticated', message: '请先登录' }, 401);
    const url = new URL(path, 'http://phone.test');
    if (url.pathname === '/api/blobs/needed' && method === 'POST') {
      const body = JSON.parse(bodyText(init.body)) as { sha256: string[] };
      return json({ needed: body.sha256.filter((h) => !this.blobs.has(h)) }, 200);
    }
    const blob = /^\/api\/blobs\/([0-9a-f]{64})$/.exec(url.pathname);
    if (blob?.[1]) {
      const sha = blob[1];
      if (method === 'HEAD')
        return new Response(null, {
          status: this.blobs.has(sha) || this.readable.has(sha) ? 200 : 404,
        });
      if (method === 'PUT') {
        const existed = this.blobs.has(sha);
        this.blobs.add(sha);
        return json({ sha256: sha, size: 1, existed }, existed ? 200 : 201);
      }
    }
    if (url.pathname === '/api/sync/push' && method === 'POST') {
      const body = JSON.parse(bodyText(init.body)) as { records: LockedRecord[] };
      // A crash fails the whole push before anything is stored, like the real transaction.
      const scripted = body.records.map((r) => this.script(r));
      if (scripted.includes('crash')) {
        return json({ code: 'serverError', message: '服务器内部错误' }, 500);
      }
      return json({
        results: body.records.map((r, i) => {
          const s = scripted[i];
          return s && s !== 'crash' ? s : this.store(r);
        }),
      });
    }
    if (url.pathname === '/api/sync/pull') {
      const cursor = Number(url.searchParams.get('cursor') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 500);
      const after = this.changes.filter((c) => c.seq > cursor);
      const page = after.slice(0, limit);
      return json({
        cursor: page.at(-1)?.seq ?? cursor,
        more: after.length > page.length,
        changes: page,
        ledgerSince: this.ledgerSince,
      });
    }
    if (url.pathname === '/api/numbers/reserve' && method === 'POST') {
      const body = JSON.parse(bodyText(init.body)) as { docType: string; count: number };
      const first = ++this.serial * 1000;
      return json(
        {
          block: {
            id: `block-${this.serial}`,
            docType: body.docType,
            year: 2026,
            first,
            last: first + body.count - 1,
            next: first,
            format: { template: DEFAULT_TEMPLATE, prefix: '六城管', word: '测', width: 4 },
          },
        },
        201,
      );
    }
    if (url.pathname === '/api/auth/me') return json(this.me);
    if (url.pathname === '/api/device/status') return json({ wipe: this.wipe });
    if (url.pathname === '/api/device/wiped' && method === 'POST') {
      const body = JSON.parse(bodyText(init.body)) as { recordsSent: number };
      this.wipedReports.push(body.recordsSent);
      return json({ recorded: true });
    }
    return json({ code: 'notFound', message: '接口不存在' }, 404);
  }

  /** What the real server does with a valid record: stores it once, or knows it already. */
  private store(r: LockedRecord): PushResult {
    const key = `${r.id}:${r.version}`;
    const receivedAt = '2026-11-27T02:30:00.000Z';
    if (this.records.has(key)) {
      return {
        status: 'duplicate',
        id: r.id,
        version: r.version,
        serverHash: r.contentHash,
        receivedAt,
      };
    }
    const missing = referencedBlobs(r).filter((h) => !this.blobs.has(h));
    if (missing.length > 0)
      return { status: 'missingBlobs', id: r.id, version: r.version, missing };
    this.records.set(key, r);
    return {
      status: 'accepted',
      id: r.id,
      version: r.version,
      serverHash: r.contentHash,
      receivedAt,
      flags: [],
      assignedNumbers: [],
    };
  }

  /** Appends a change to the feed, numbered like the server's. */
  publish(change: DistributiveOmit<Change, 'seq'>): void {
    this.changes.push({ ...change, seq: this.changes.length + 1 });
  }
}

function bodyText(body: RequestInit['body']): string {
  if (typeof body !== 'string') throw new Error('the engine sends JSON as a string');
  return body;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
