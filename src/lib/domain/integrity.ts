/**
 * Canonical JSON and SHA-256 content hashes. The phone computes a record's hash when it is locked,
 * the server recomputes it from what it stored, and the printed notice carries it: all three must
 * produce identical values, so both sides use this module: WebCrypto (global in browsers and in
 * Node 20) by default, or the same algorithms from Node on the server (`Digests`).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Canonical JSON in the spirit of RFC 8785: object keys sorted by UTF-16 code units, no
 * whitespace, `undefined` members dropped, non-finite numbers rejected. Strings and numbers use
 * ECMAScript serialisation, which RFC 8785 adopts.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, new Set());
}

/**
 * `"key":` for an object key, kept for short keys: records repeat the same few hundred field
 * names. Quoting them once, with numbers through String(), took a record from 57-62 µs to
 * 45-52 µs (`npm run bench -- checks`).
 */
const memberNames = new Map<string, string>();
function memberName(key: string): string {
  let quoted = memberNames.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key) + ':';
    if (key.length <= 64 && memberNames.size < 4096) memberNames.set(key, quoted);
  }
  return quoted;
}

/** Objects with more keys than this are sorted by `Array.prototype.sort`. */
const INSERTION_SORT_MAX = 24;

/**
 * An object's keys by UTF-16 code units, as RFC 8785 asks (`<` on strings and the default sort
 * both compare code units). A record's objects have a handful of keys each, and an insertion sort
 * of those took canonical JSON from 39-43 µs to 35-37 µs a record against `sort()`'s per-call cost
 * (same output; `npm run bench -- checks`); bigger objects take the default sort.
 */
function sortedKeys(object: object): string[] {
  const keys = Object.keys(object);
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

function serialise(value: unknown, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      // What JSON.stringify writes for a finite number (Number::toString), -0 included ("0").
      return String(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (seen.has(value)) throw new TypeError('canonicalJson: cycle');
      seen.add(value);
      // Plain loops and string appends: this runs for every record a push brings, and the
      // array-building version (entries, filter, sort, map, join) cost five times as much.
      let out: string;
      if (Array.isArray(value)) {
        out = '[';
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i];
          if (i > 0) out += ',';
          out += v === undefined ? 'null' : serialise(v, seen);
        }
        out += ']';
      } else {
        const object = value as Record<string, unknown>;
        const keys = sortedKeys(object);
        out = '{';
        let first = true;
        for (const k of keys) {
          const v = object[k];
          if (v === undefined) continue;
          if (!first) out += ',';
          first = false;
          out += memberName(k) + serialise(v, seen);
        }
        out += '}';
      }
      seen.delete(value);
      return out;
    }
    default:
      throw new TypeError(`canonicalJson: unsupported ${typeof value}`);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = '';
  for (const b of view) out += HEX[b];
  return out;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The two primitives every hash here is made of. WebCrypto is the default on both sides; the
 * server passes Node's own implementation of the same two algorithms (`nodeDigests`), because
 * WebCrypto in Node answers each call through the thread pool: a push of 100 records spent more
 * time waiting for 200 HMACs than computing them. SHA-256 is SHA-256: a generative test checks
 * both give the same bytes for any input.
 */
export type Digests = {
  sha256(bytes: Uint8Array): Promise<Uint8Array> | Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> | Uint8Array;
};

const hmacKeys = new Map<string, Promise<CryptoKey>>();

export const webDigests: Digests = {
  async sha256(bytes) {
    return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as BufferSource));
  },
  async hmacSha256(key, data) {
    // Imported once per key: importing costs as much as signing.
    const id = toHex(key);
    let imported = hmacKeys.get(id);
    if (!imported) {
      if (hmacKeys.size >= 8) hmacKeys.clear();
      imported = globalThis.crypto.subtle.importKey(
        'raw',
        key as BufferSource,
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      hmacKeys.set(id, imported);
    }
    return new Uint8Array(
      await globalThis.crypto.subtle.sign('HMAC', await imported, data as BufferSource),
    );
  },
};

export async function sha256Hex(
  data: string | Uint8Array | ArrayBuffer,
  digests: Digests = webDigests,
): Promise<string> {
  const bytes =
    typeof data === 'string'
      ? new TextEncoder().encode(data)
      : data instanceof Uint8Array
        ? data
        : new Uint8Array(data);
  return toHex(await digests.sha256(bytes));
}

export async function hashCanonical(
  value: unknown,
  digests: Digests = webDigests,
): Promise<string> {
  return sha256Hex(canonicalJson(value), digests);
}

/** The short form printed on notices: 12 hex digits in groups of four, e.g. `3F2A-9C01-77BE`. */
export function shortHash(hash: string): string {
  const s = hash.slice(0, 12).toUpperCase();
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`;
}

/** Accepts what a person types from paper: any case, with or without dashes or spaces. */
export function normaliseShortHash(input: string): string {
  const s = input.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  return /^[0-9A-F]{12}$/.test(s) ? shortHash(s.toLowerCase()) : '';
}
