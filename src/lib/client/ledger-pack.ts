/**
 * The phone's first-offence ledger, packed (ADR 0018): the whole bureau's entries for the
 * lookback windows must fit a phone (200,000 entries in well under 25 MB) and answer a lookup in
 * about the time of a plain index read. A row per digest with indexes by digest and by record
 * took 80 MB (IndexedDB keys are UTF-16, every index entry repeats the primary key). Here the
 * ledger is 65,536 buckets keyed by the first two bytes of a digest; a bucket is one byte array
 * of tuples, each the rest of the digest and the entry's fields, strings by their number in a
 * dictionary. A lookup reads one bucket per key; an entry is replaced or withdrawn by digest
 * (the server names the digests a record no longer has).
 *
 * Pure functions on bytes: the database side is in `ledger.ts`.
 */

/** Bytes of a digest (`k:` + 32 hex digits). */
export const DIGEST_BYTES = 16;
/** The digest's leading bytes that name its bucket. */
const BUCKET_BYTES = 2;
const TAIL = DIGEST_BYTES - BUCKET_BYTES;
const NONE = 0xffff;

const LOCAL = 1;
const UUID_ID = 2;

/** Strings the tuples name by number (item codes, squad ids, branches), and squads' names. */
export type LedgerDict = { strings: string[]; names: Record<string, string> };

export function emptyDict(): LedgerDict {
  return { strings: [], names: {} };
}

/** One digest's entry, as the ledger keeps it. */
export type PackedEntry = {
  /** The digest, `k:` + 32 hex digits. */
  digest: string;
  recordId: string;
  itemCode: string;
  date: string;
  squadId: string | null;
  branch: string | null;
  source: 'local' | 'server';
  /** A masked name, for the officer's eyes (entries from the server). */
  partyHint?: string;
};

const DIGEST = /^k:[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAY_MS = 86_400_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function digestBytes(digest: string): Uint8Array {
  if (!DIGEST.test(digest)) throw new Error(`not a ledger digest: ${digest.slice(0, 8)}…`);
  const out = new Uint8Array(DIGEST_BYTES);
  for (let i = 0; i < DIGEST_BYTES; i++) out[i] = parseInt(digest.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

/** The bucket a digest lives in (0–65535). */
export function bucketOf(digest: string): number {
  if (!DIGEST.test(digest)) throw new Error(`not a ledger digest: ${digest.slice(0, 8)}…`);
  return parseInt(digest.slice(2, 6), 16);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function hex(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += HEX[bytes[i] as number];
  return s;
}

function dayNumber(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(ms)) throw new Error(`not a date: ${date}`);
  return Math.round(ms / DAY_MS);
}
function dayString(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The number of a string in the dictionary, added if new (the dictionary only grows). */
function indexOf(dict: LedgerDict, value: string, index: Map<string, number>): number {
  let i = index.get(value);
  if (i === undefined) {
    i = dict.strings.length;
    if (i >= NONE) throw new Error('ledger dictionary full');
    dict.strings.push(value);
    index.set(value, i);
  }
  return i;
}

/** A writer of tuples against one dictionary (which it extends). */
export class TupleWriter {
  private readonly index: Map<string, number>;
  constructor(readonly dict: LedgerDict) {
    this.index = new Map(dict.strings.map((s, i) => [s, i]));
  }

  encode(e: PackedEntry): Uint8Array {
    const d = digestBytes(e.digest);
    const uuid = UUID.test(e.recordId);
    const id = uuid ? null : encoder.encode(e.recordId);
    const hint = encoder.encode(e.partyHint ?? '');
    if ((id && id.length > 255) || hint.length > 255) throw new Error('ledger entry too long');
    const days = dayNumber(e.date);
    if (days < 0 || days > 0xffff) throw new Error(`date out of range: ${e.date}`);
    const out = new Uint8Array(TAIL + 9 + (uuid ? 16 : 1 + (id?.length ?? 0)) + 1 + hint.length);
    const view = new DataView(out.buffer);
    out.set(d.subarray(BUCKET_BYTES), 0);
    let p = TAIL;
    out[p++] = (e.source === 'local' ? LOCAL : 0) | (uuid ? UUID_ID : 0);
    view.setUint16(p, days);
    view.setUint16(p + 2, indexOf(this.dict, e.itemCode, this.index));
    view.setUint16(p + 4, e.squadId === null ? NONE : indexOf(this.dict, e.squadId, this.index));
    view.setUint16(p + 6, e.branch === null ? NONE : indexOf(this.dict, e.branch, this.index));
    p += 8;
    if (uuid) {
      const h = e.recordId.replaceAll('-', '');
      for (let i = 0; i < 16; i++) out[p++] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
    } else {
      out[p++] = id?.length ?? 0;
      out.set(id ?? new Uint8Array(), p);
      p += id?.length ?? 0;
    }
    out[p++] = hint.length;
    out.set(hint, p);
    return out;
  }
}

/** Where each tuple of a bucket starts and ends. */
function* tuples(bucket: Uint8Array): Generator<[number, number]> {
  let p = 0;
  while (p < bucket.length) {
    const start = p;
    const flags = bucket[p + TAIL] as number;
    p += TAIL + 9;
    p += flags & UUID_ID ? 16 : 1 + (bucket[p] as number);
    p += 1 + (bucket[p] as number);
    if (p > bucket.length) throw new Error('ledger bucket damaged');
    yield [start, p];
  }
}

function sameTail(bucket: Uint8Array, at: number, digest: Uint8Array): boolean {
  for (let i = 0; i < TAIL; i++) if (bucket[at + i] !== digest[BUCKET_BYTES + i]) return false;
  return true;
}

function recordIdAt(bucket: Uint8Array, at: number): string {
  const p = at + TAIL + 9;
  if ((bucket[at + TAIL] as number) & UUID_ID) {
    const h = hex(bucket, p, p + 16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return decoder.decode(bucket.subarray(p + 1, p + 1 + (bucket[p] as number)));
}

function decode(bucket: Uint8Array, at: number, end: number, dict: LedgerDict, bucketNo: number) {
  const view = new DataView(bucket.buffer, bucket.byteOffset, bucket.byteLength);
  const flags = bucket[at + TAIL] as number;
  const q = at + TAIL + 1;
  const str = (i: number) => {
    const s = dict.strings[i];
    if (s === undefined) throw new Error('ledger dictionary incomplete');
    return s;
  };
  const squad = view.getUint16(q + 4);
  const branch = view.getUint16(q + 6);
  const idEnd = at + TAIL + 9 + (flags & UUID_ID ? 16 : 1 + (bucket[at + TAIL + 9] as number));
  const hint = decoder.decode(bucket.subarray(idEnd + 1, end));
  const entry: PackedEntry = {
    digest: `k:${bucketNo.toString(16).padStart(4, '0')}${hex(bucket, at, at + TAIL)}`,
    recordId: recordIdAt(bucket, at),
    itemCode: str(view.getUint16(q + 2)),
    date: dayString(view.getUint16(q)),
    squadId: squad === NONE ? null : str(squad),
    branch: branch === NONE ? null : str(branch),
    source: flags & LOCAL ? 'local' : 'server',
    ...(hint ? { partyHint: hint } : {}),
  };
  return entry;
}

/** The entries of a bucket for one digest. */
export function findInBucket(
  bucket: Uint8Array | undefined,
  digest: string,
  dict: LedgerDict,
): PackedEntry[] {
  if (!bucket) return [];
  const d = digestBytes(digest);
  const out: PackedEntry[] = [];
  for (const [at, end] of tuples(bucket))
    if (sameTail(bucket, at, d)) out.push(decode(bucket, at, end, dict, bucketOf(digest)));
  return out;
}

/** Every entry of a bucket. */
export function bucketEntries(
  bucket: Uint8Array,
  bucketNo: number,
  dict: LedgerDict,
): PackedEntry[] {
  return [...tuples(bucket)].map(([at, end]) => decode(bucket, at, end, dict, bucketNo));
}

/**
 * A bucket without the given records' tuples (all of them, or those of one source only), with
 * `add` appended; the same array when nothing changes.
 */
export function rewriteBucket(
  bucket: Uint8Array | undefined,
  drop: (recordId: string, source: 'local' | 'server') => boolean,
  add: readonly Uint8Array[],
): Uint8Array {
  const kept: Uint8Array[] = [];
  let changed = add.length > 0;
  if (bucket)
    for (const [at, end] of tuples(bucket)) {
      const source = (bucket[at + TAIL] as number) & LOCAL ? 'local' : 'server';
      if (drop(recordIdAt(bucket, at), source)) changed = true;
      else kept.push(bucket.subarray(at, end));
    }
  if (!changed && bucket) return bucket;
  const parts = [...kept, ...add];
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let p = 0;
  for (const x of parts) {
    out.set(x, p);
    p += x.length;
  }
  return out;
}

/** A bucket without the tuples `keep` refuses (pruning by date and source). */
export function filterBucket(
  bucket: Uint8Array,
  keep: (date: string, source: 'local' | 'server') => boolean,
): Uint8Array {
  const view = new DataView(bucket.buffer, bucket.byteOffset, bucket.byteLength);
  const kept: Uint8Array[] = [];
  let dropped = false;
  for (const [at, end] of tuples(bucket)) {
    const flags = bucket[at + TAIL] as number;
    if (keep(dayString(view.getUint16(at + TAIL + 1)), flags & LOCAL ? 'local' : 'server'))
      kept.push(bucket.subarray(at, end));
    else dropped = true;
  }
  if (!dropped) return bucket;
  return rewriteBucket(undefined, () => false, kept);
}
