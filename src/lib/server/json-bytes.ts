/**
 * `JSON.parse` of a UTF-8 request body that, for a large body of the usual shape, never builds
 * one string of the whole body.
 *
 * V8 keeps a string over 128 KB (64 K characters once it holds Chinese) in its large-object
 * space: freshly mapped memory on every call, so each 4 KB page of it costs a page fault. On
 * these virtual machines that is 10 to 15 µs a page, and a 580 KB push body of 100 records took
 * 6.4 ms to decode and parse whole against 4.2 ms record by record.
 *
 * So a body `{…,"records":[r1,r2,…]}` (the array named by the caller, as the last member) is
 * read in parts: the head with an empty array, `{…,"records":[]}`, and the array's elements in
 * groups of about 16 KB, cut where the next element begins as the first one does
 * (`},{"schemaVersion":` for a push). Each part is decoded and parsed on its own and the array is
 * put back into the head. A cut can fall between two nested objects that begin with the same
 * key; then that part does not parse, and the body is parsed whole instead. That fallback is
 * also how anything unusual is handled (another shape, bad UTF-8, bad JSON), so the result is
 * always exactly `JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))`, or the
 * throw of it:
 *
 * - every byte is in exactly one part, each cut is at an ASCII comma (never inside a UTF-8
 *   character), and each part is checked by the fatal decoder and `JSON.parse` themselves;
 * - the head is checked to end outside any string, so `"records":[` there is a real key and
 *   `[]}` its value and the end of the body: the array is the last member of the top-level
 *   object (so also the one `JSON.parse` keeps if the key is repeated);
 * - parts that each parse as `[group]` join, with the commas cut at, into an array that parses
 *   to their elements in order, and a body that does not parse has a part that does not.
 *
 * `json-bytes.test.ts` holds this to `JSON.parse` over generated bodies and corruptions of them.
 */

/** Bodies at most this long are parsed whole: their string stays out of the large-object space. */
export const SPLIT_BYTES = 32 * 1024;
/** Elements are parsed in groups of about this many bytes (one string and parse each); a
 * group's string, two bytes a character once it holds Chinese, stays well under 128 KB. */
const GROUP_BYTES = 16 * 1024;
/** A longer head (everything before the array) is not split off: it is the envelope's few
 * fields, and it is scanned byte by byte. */
const MAX_HEAD_BYTES = 4 * 1024;

export type SplitTuning = {
  /** bodies longer than this are split */
  minBytes: number;
  /** the size of a group of elements parsed at once */
  groupBytes: number;
};

const DEFAULT_TUNING: SplitTuning = { minBytes: SPLIT_BYTES, groupBytes: GROUP_BYTES };

// The whole body's decoder drops one leading byte-order mark, as it always did; the parts
// after the head keep one, so JSON.parse refuses it there, as it would in the whole text.
const whole = new TextDecoder('utf-8', { fatal: true });
const part = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const COMMA = 0x2c;

function parseWhole(bytes: Uint8Array): unknown {
  return JSON.parse(whole.decode(bytes));
}

/** Whether `bytes` ends outside any JSON string (a backslash escapes the next byte in one). */
function endsOutsideString(bytes: Uint8Array): boolean {
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) inString = !inString;
    else if (b === BACKSLASH && inString) i++;
  }
  return !inString;
}

/**
 * Where one element ends and the next begins, `},{"firstKey"`, taken from the first element:
 * the elements of a push are alike, so each begins with the same key. In valid JSON this is
 * never inside a string (there, a quote right after `{` would be escaped); it can be where a
 * nested object with the same first key follows another, and then that part does not parse.
 * Undefined if the first element does not begin as an object with a key.
 */
function elementStart(bytes: Uint8Array, open: number, close: number): Uint8Array | undefined {
  if (bytes[open] !== OPEN_BRACE || bytes[open + 1] !== QUOTE) return undefined;
  const keyEnd = bytes.indexOf(QUOTE, open + 2);
  if (keyEnd < 0 || keyEnd >= close) return undefined;
  const out = new Uint8Array(2 + keyEnd + 1 - open);
  out[0] = CLOSE_BRACE;
  out[1] = COMMA;
  out.set(bytes.subarray(open, keyEnd + 1), 2);
  return out;
}

/** The body split as described in the header, or undefined where it must be parsed whole.
 * Exported for tests. */
export function parseSplit(bytes: Uint8Array, key: string, tuning: SplitTuning): unknown {
  const n = bytes.length;
  if (bytes[n - 2] !== CLOSE_BRACKET || bytes[n - 1] !== CLOSE_BRACE) return undefined;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const name = encoder.encode(`${JSON.stringify(key)}:[`);
  const at = view.indexOf(name);
  const open = at + name.length;
  const close = n - 2;
  if (at < 0 || at > MAX_HEAD_BYTES || open > close) return undefined;
  if (!endsOutsideString(bytes.subarray(0, at))) return undefined;
  // Valid, it ends in `}`: an object.
  let head: Record<string, unknown>;
  try {
    head = JSON.parse(whole.decode(bytes.subarray(0, open)) + ']}') as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const between = elementStart(bytes, open, close);
  const items: unknown[] = [];
  let start = open;
  while (start < close) {
    let cut = close;
    if (between && close - start > tuning.groupBytes) {
      // Found, it lies before the body's closing `]}`: the comma is inside the array.
      const found = view.indexOf(between, start + tuning.groupBytes);
      if (found >= 0) cut = found + 1;
    }
    let group: unknown;
    try {
      group = JSON.parse(`[${part.decode(bytes.subarray(start, cut))}]`);
    } catch {
      return undefined;
    }
    for (const item of group as unknown[]) items.push(item);
    start = cut + 1;
  }
  // The head's own property (the last of a repeated key, in its first place, as JSON.parse
  // has it): so this sets it, whatever the key.
  head[key] = items;
  return head;
}

/**
 * `JSON.parse` of UTF-8 bytes (see the header); throws on anything that is not JSON.
 * `arrayKey` names the top-level array a large body is split at (the push's `records`);
 * `tuning` is for tests, which split small bodies into small groups.
 */
export function parseJsonBytes(
  bytes: Uint8Array,
  arrayKey?: string,
  tuning: SplitTuning = DEFAULT_TUNING,
): unknown {
  if (arrayKey === undefined || bytes.length <= tuning.minBytes) return parseWhole(bytes);
  return parseSplit(bytes, arrayKey, tuning) ?? parseWhole(bytes);
}
