import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';

/**
 * Content-addressed evidence storage. Callers see only this interface, so an object store can be
 * added later without touching them.
 */
export type BlobStore = {
  has(sha256: string): Promise<boolean>;
  /** Size in bytes, or null when absent. */
  size(sha256: string): Promise<number | null>;
  /**
   * Stores the bytes of `body` under `sha256` if and only if they hash to it and fit in
   * `maxBytes`. Nothing is kept under the real name otherwise.
   */
  put(
    sha256: string,
    body: ReadableStream<Uint8Array> | Uint8Array,
    options: PutOptions,
  ): Promise<PutResult>;
  read(sha256: string): ReadableStream<Uint8Array>;
  readAll(sha256: string): Promise<Uint8Array>;
};

export type PutOptions = {
  maxBytes: number;
  /** Decides from the first bytes whether the content may be kept (e.g. an allowed type). */
  accept: (head: Uint8Array) => boolean;
};

export type PutResult =
  | { ok: true; size: number; head: Uint8Array; existed: boolean }
  | { ok: false; reason: 'hashMismatch' | 'tooLarge' | 'empty' | 'type'; actual?: string };

const HEAD_BYTES = 64;

/** Files under `root/ab/cd/<hash>`; writes go to `root/tmp`, are fsynced, then renamed. */
export class FileBlobStore implements BlobStore {
  constructor(private root: string) {}

  private path(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== null;
  }

  async size(sha256: string): Promise<number | null> {
    try {
      return (await stat(this.path(sha256))).size;
    } catch {
      return null;
    }
  }

  async put(
    sha256: string,
    body: ReadableStream<Uint8Array> | Uint8Array,
    { maxBytes, accept }: PutOptions,
  ): Promise<PutResult> {
    const tmpDir = join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    // The writing process is part of the name: a restart sweeps what dead processes left.
    const tmp = join(tmpDir, `${sha256}.${process.pid}.${randomBytes(6).toString('hex')}.part`);
    const hash = createHash('sha256');
    const handle = await open(tmp, 'wx', 0o640);
    let size = 0;
    const head = new Uint8Array(HEAD_BYTES);
    let headLen = 0;
    let kept = false;
    try {
      const chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array> =
        body instanceof Uint8Array
          ? [body]
          : (Readable.fromWeb(body as never) as AsyncIterable<Uint8Array>);
      let tooLarge = false;
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        // Keep reading (and dropping) a too-large body, so the client gets the 413 reply.
        if (tooLarge || size > maxBytes) {
          tooLarge = true;
          continue;
        }
        if (headLen < HEAD_BYTES) {
          const take = chunk.subarray(0, HEAD_BYTES - headLen);
          head.set(take, headLen);
          headLen += take.byteLength;
        }
        hash.update(chunk);
        await handle.write(chunk);
      }
      if (tooLarge) return { ok: false, reason: 'tooLarge' };
      if (size === 0) return { ok: false, reason: 'empty' };
      const actual = hash.digest('hex');
      if (actual !== sha256) return { ok: false, reason: 'hashMismatch', actual };
      if (!accept(head.slice(0, headLen))) return { ok: false, reason: 'type' };
      await handle.sync();
      await handle.close();
      const final = this.path(sha256);
      const existed = await this.has(sha256);
      if (!existed) {
        await mkdir(dirname(final), { recursive: true });
        await rename(tmp, final);
        await fsyncDir(dirname(final));
        kept = true;
      }
      return { ok: true, size, head: head.slice(0, headLen), existed };
    } finally {
      await handle.close().catch(() => undefined);
      if (!kept) await rm(tmp, { force: true });
    }
  }

  read(sha256: string): ReadableStream<Uint8Array> {
    return Readable.toWeb(createReadStream(this.path(sha256))) as ReadableStream<Uint8Array>;
  }

  /**
   * Removes what uploads cut off by a crash left in `tmp` (at start): files written by a process
   * that is no longer running. With PostgreSQL several servers may share this folder; an upload
   * another live process is writing right now is left alone.
   */
  async sweep(): Promise<number> {
    const tmpDir = join(this.root, 'tmp');
    let removed = 0;
    let names: string[] = [];
    try {
      names = await readdir(tmpDir);
    } catch {
      return 0;
    }
    for (const name of names) {
      const m = /^[0-9a-f]{64}\.(\d+)\.[0-9a-f]+\.part$/.exec(name);
      const pid = m ? Number(m[1]) : null;
      if (pid !== null && pid !== process.pid && processAlive(pid)) continue;
      await rm(join(tmpDir, name), { force: true }).catch(() => undefined);
      removed++;
    }
    return removed;
  }

  async readAll(sha256: string): Promise<Uint8Array> {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(this.path(sha256)));
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** The type of a file from its first bytes; the extension or a client's claim are not trusted. */
export function sniffMime(head: Uint8Array): string | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (
    starts(0x52, 0x49, 0x46, 0x46) &&
    head[8] === 0x57 &&
    head[9] === 0x45 &&
    head[10] === 0x42 &&
    head[11] === 0x50
  ) {
    return 'image/webp';
  }
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf';
  return null;
}

export const ALLOWED_BLOB_MIME = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'];

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
