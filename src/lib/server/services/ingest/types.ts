import type { Catalog } from '$lib/domain/catalog';
import type { LockedRecord } from '$lib/domain/record';
import type { PushResult } from '$lib/sync/contract';

export type IngestOptions = {
  deviceId: string;
  /** The pushing user; null only for the console's import of an exported file. */
  pusher: { id: string; role: string } | null;
  /** Who sent it (the pusher, or the administrator importing a file), kept with refusals. */
  sender?: string | null;
  now?: string;
  /**
   * The push of a phone told to wipe itself, by its own (deactivated) officer: a record that
   * officer found while still active is taken (ADR 0018). No one else may name them.
   */
  farewell?: boolean;
  /** Each record in its own savepoint from the start: the path a failed batch falls back on. */
  oneByOne?: boolean;
};

/** A pushed item after validation: an answer already, or a record to store. */
export type Prepared =
  | { kind: 'result'; result: PushResult; item: unknown }
  | {
      kind: 'record';
      record: LockedRecord;
      /** The record as stored: its canonical content with the hash (`lockedRecordText`). */
      body: string;
      catalog: Catalog;
      item: unknown;
    };

export type PreparedRecord = Extract<Prepared, { kind: 'record' }>;
