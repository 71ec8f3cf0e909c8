import type { DBCore, DBCoreTable, Middleware } from 'dexie';
import type { Vault } from './vault';

/**
 * Encryption at rest as a layer of the database itself (a Dexie DBCore middleware, ADR 0018):
 * every row written to a sealed table leaves only the fields its indexes and lists need in clear
 * and the rest sealed under the vault's key; every row read is opened again. Nothing in the app
 * can write a sealed table around it, and nothing above it sees ciphertext.
 *
 * In clear stay ids, versions, states, dates, hashes and sizes: what the app queries by. Sealed
 * are the party, the facts, places, statements, photos, signatures, reviews, the officer's
 * account with its roster and ledger key, confirmations naming parties, and the platform's tasks
 * (a description may name a citizen). The first-offence
 * ledger stays in clear: it holds digests of identifiers, a squad and a masked name only.
 */

type Spec = {
  /** Fields kept in clear (indexes, and what lists filter on without reading the rest). */
  keep: readonly string[];
  /** The one binary field sealed on its own (photos): its bytes are the sealed plaintext. */
  binary?: string;
  /** Only rows for which this holds are sealed (settings: the signed-in officer's `me`). */
  only?: (row: Record<string, unknown>) => boolean;
};

/** Settings whose values are sealed (the rest are counters, ids and flags). */
export const SEALED_SETTINGS: ReadonlySet<string> = new Set(['me']);

export const SEALED_TABLES: Record<string, Spec> = {
  drafts: { keep: ['id', 'updatedAt'] },
  records: {
    keep: ['id', 'version', 'latest', 'state', 'foundDate', 'followUp', 'dueDate', 'syncStatus'],
  },
  evidence: { keep: ['sha256', 'mime', 'size', 'createdAt', 'uploaded'], binary: 'bytes' },
  confirmations: { keep: ['recordId', 'part', 'userId'] },
  tasks: { keep: ['id', 'dueAt'] },
  settings: { keep: ['key'], only: (row) => SEALED_SETTINGS.has(String(row.key)) },
};

/** Where a sealed row keeps its sealed part. */
const SEALED = '$sealed';

type Row = Record<string, unknown>;

function aadOf(table: string, key: unknown): string {
  return `${table}|${JSON.stringify(key)}`;
}

function toBytes(v: unknown): Uint8Array {
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError('binary field is not bytes');
}

function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : bytes.slice().buffer;
}

/**
 * A binary field sealed before its write (WebCrypto, which a transaction cannot wait on): the
 * layer stores these bytes as the row's sealed part instead of sealing them again. Bound to its
 * table and key like any sealed value.
 */
export class PreSealed {
  constructor(
    readonly sealed: Uint8Array,
    readonly aad: string,
  ) {}
}

/**
 * The bytes of a sealed table's binary field sealed ahead of the write (`PreSealed`), or the bytes
 * as they are for a database without the layer.
 */
export async function preSeal(
  database: { vault: Vault; sealing: boolean },
  table: string,
  key: unknown,
  bytes: ArrayBuffer,
): Promise<PreSealed | ArrayBuffer> {
  if (!database.sealing || !SEALED_TABLES[table]?.binary) return bytes;
  const aad = aadOf(table, key);
  return new PreSealed(await database.vault.sealBytesAsync(new Uint8Array(bytes), aad), aad);
}

export function sealRow(vault: Vault, table: string, spec: Spec, key: unknown, row: Row): Row {
  if (spec.only && !spec.only(row)) return row;
  const clear: Row = {};
  const rest: Row = {};
  for (const [k, v] of Object.entries(row)) {
    if (spec.keep.includes(k)) clear[k] = v;
    else rest[k] = v;
  }
  const aad = aadOf(table, key);
  const binary = spec.binary ? rest[spec.binary] : undefined;
  if (binary instanceof PreSealed && binary.aad !== aad)
    throw new Error(`sealed for ${binary.aad}, written to ${aad}`);
  const sealed =
    binary instanceof PreSealed
      ? binary.sealed
      : spec.binary
        ? vault.sealBytes(toBytes(binary), aad)
        : vault.sealJson(rest, aad);
  clear[SEALED] = exactBuffer(sealed);
  return clear;
}

export function openRow(
  vault: Vault,
  table: string,
  spec: Spec,
  key: unknown,
  row: unknown,
): unknown {
  if (!row || typeof row !== 'object' || !(SEALED in row)) return row; // in clear (or nothing)
  const { [SEALED]: sealed, ...clear } = row as Row;
  const aad = aadOf(table, key);
  const bytes = toBytes(sealed);
  if (spec.binary) {
    return { ...clear, [spec.binary]: exactBuffer(vault.openBytes(bytes, aad)) };
  }
  return { ...clear, ...vault.openJson<Row>(bytes, aad) };
}

/** The middleware for a database whose key is held by `vault`. */
export function sealMiddleware(vault: Vault): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'Seal',
    // Below Dexie's own layers (caches, hooks, live queries): they all see rows in clear.
    level: -2,
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        const spec = SEALED_TABLES[name];
        return spec ? sealedTable(vault, table, spec) : table;
      },
    }),
  };
}

function sealedTable(vault: Vault, table: DBCoreTable, spec: Spec): DBCoreTable {
  const primary = table.schema.primaryKey;
  const keyOf = (row: unknown): unknown => primary.extractKey?.(row);
  const open = (row: unknown) =>
    row && typeof row === 'object' && SEALED in row
      ? openRow(vault, table.name, spec, keyOf(row), row)
      : row;
  return {
    ...table,
    mutate: (req) => {
      if (req.type !== 'add' && req.type !== 'put') return table.mutate(req);
      const values = req.values.map((v: Row) => sealRow(vault, table.name, spec, keyOf(v), v));
      return table.mutate({ ...req, values });
    },
    // `.then` on the promises of the layer below, never async/await: Dexie's promises carry the
    // transaction's zone, which native promises would drop.
    get: (req) => table.get(req).then(open),
    getMany: (req) => table.getMany(req).then((rows) => rows.map(open)),
    query: (req) =>
      table.query(req).then((res) => (req.values ? { ...res, result: res.result.map(open) } : res)),
    openCursor: (req) =>
      table.openCursor(req).then((cursor) => {
        if (!cursor || req.values === false) return cursor;
        const opened = new WeakMap<object, unknown>();
        return Object.create(cursor, {
          value: {
            get: () => {
              const raw: unknown = cursor.value;
              if (!raw || typeof raw !== 'object') return raw;
              if (!opened.has(raw)) opened.set(raw, open(raw));
              return opened.get(raw);
            },
          },
        }) as typeof cursor;
      }),
  };
}
