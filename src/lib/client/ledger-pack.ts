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

/** The end of the tuple that starts at `at`. */
function tupleEnd(bytes: Uint8Array, at: number): number {
  let p = at + TAIL + 9;
  p += (bytes[at + TAIL] as number) & UUID_ID ? 16 : 1 + (bytes[p] as number);
  return p + 1 + (bytes[p] as number);
}

/**
 * Ledger writes held in memory to be written together (ADR 0018): a phone's first pull of the
 * city-wide ledger holds all of it, so each bucket is written once and not once per page (the
 * storage engine keeps every superseded value on disk until it compacts). A record's tuples are
 * packed as they arrive, each after its bucket's number, into one growing buffer, against a
 * dictionary of the batch's own (renumbered into the stored one when written, whatever was
 * written in between). The last write per record wins; what an earlier one withdrew stays
 * withdrawn.
 */
export class HeldLedger {
  private readonly dict = emptyDict();
  private readonly writer = new TupleWriter(this.dict);
  /** Squads' names the entries brought. */
  readonly names = new Map<string, string>();
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  /** Per record, the start and end of its tuples in `bytes`. */
  private readonly spans = new Map<string, number>();
  private ends: number[] = [];
  private starts: number[] = [];
  /** Per record, the digests its writes withdrew. */
  private readonly withdrawn = new Map<string, Set<string>>();
  private index: { first: Uint32Array; order: Uint32Array; gone: Map<number, string[]> } | null =
    null;

  /** Records held. */
  get size(): number {
    return this.spans.size;
  }

  /** A record's tuples now (replacing what was held of it) and the digests it withdraws. */
  hold(recordId: string, add: readonly PackedEntry[], withdraws: readonly string[] = []): void {
    this.index = null;
    if (withdraws.length) {
      const set = this.withdrawn.get(recordId) ?? new Set();
      for (const d of withdraws) {
        bucketOf(d);
        set.add(d);
      }
      this.withdrawn.set(recordId, set);
    }
    const at = this.used;
    for (const e of add) {
      const t = this.writer.encode(e);
      this.grow(2 + t.length);
      const b = bucketOf(e.digest);
      this.bytes[this.used] = b >> 8;
      this.bytes[this.used + 1] = b & 0xff;
      this.bytes.set(t, this.used + 2);
      this.used += 2 + t.length;
    }
    const slot = this.spans.get(recordId);
    if (slot === undefined) {
      this.spans.set(recordId, this.starts.length);
      this.starts.push(at);
      this.ends.push(this.used);
    } else {
      this.starts[slot] = at;
      this.ends[slot] = this.used;
    }
  }

  private grow(n: number): void {
    if (this.used + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.used + n));
    next.set(this.bytes.subarray(0, this.used));
    this.bytes = next;
  }

  /** The buckets the held writes touch, in order, indexed once by a counting sort. */
  buckets(): number[] {
    const index = this.indexed();
    const out: number[] = [];
    for (let b = 0; b < 65536; b++)
      if ((index.first[b + 1] as number) > (index.first[b] as number) || index.gone.has(b))
        out.push(b);
    return out;
  }

  private indexed() {
    if (this.index) return this.index;
    const count = new Uint32Array(65537);
    const each = (f: (bucket: number, at: number) => void) => {
      for (let r = 0; r < this.starts.length; r++)
        for (let p = this.starts[r] as number, end = this.ends[r] as number; p < end;) {
          f(((this.bytes[p] as number) << 8) | (this.bytes[p + 1] as number), p + 2);
          p = tupleEnd(this.bytes, p + 2);
        }
    };
    each((b) => (count[b + 1] = (count[b + 1] as number) + 1));
    for (let b = 0; b < 65536; b++) count[b + 1] = (count[b + 1] as number) + (count[b] as number);
    const first = count.slice();
    const order = new Uint32Array(count[65536] as number);
    each((b, at) => {
      const i = count[b] as number;
      order[i] = at;
      count[b] = i + 1;
    });
    const gone = new Map<number, string[]>();
    for (const [recordId, digests] of this.withdrawn)
      for (const d of digests) {
        const b = bucketOf(d);
        gone.set(b, [...(gone.get(b) ?? []), recordId]);
      }
    return (this.index = { first, order, gone });
  }

  /**
   * How the held writes number their strings in `target` (the stored dictionary), which gains
   * those it lacks.
   */
  numberingIn(target: LedgerDict): Uint16Array {
    const index = new Map(target.strings.map((s, i) => [s, i]));
    return Uint16Array.from(this.dict.strings, (s) => indexOf(target, s, index));
  }

  /**
   * A bucket with the held writes applied: the held records' earlier tuples dropped, their
   * tuples added in the stored dictionary's numbering (`numberingIn`).
   */
  rewrite(bucketNo: number, old: Uint8Array | undefined, numbering: Uint16Array): Uint8Array {
    const { first, order, gone } = this.indexed();
    const drop = new Set(gone.get(bucketNo));
    const add: Uint8Array[] = [];
    for (let i = first[bucketNo] as number; i < (first[bucketNo + 1] as number); i++) {
      const at = order[i] as number;
      const t = this.bytes.slice(at, tupleEnd(this.bytes, at));
      const view = new DataView(t.buffer);
      for (const field of [TAIL + 3, TAIL + 5, TAIL + 7]) {
        const n = view.getUint16(field);
        if (n !== NONE) view.setUint16(field, numbering[n] as number);
      }
      drop.add(recordIdAt(t, 0));
      add.push(t);
    }
    return rewriteBucket(old, (id) => drop.has(id), add);
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
