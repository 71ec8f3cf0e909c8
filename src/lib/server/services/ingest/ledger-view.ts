import { lookbackReach, lookbackStart } from '$lib/domain/catalog';
import { shanghaiDate } from '$lib/domain/time';
import type { Insertable } from 'kysely';
import type { Tx } from '../../db/db';
import type { Database } from '../../db/schema';
import type { PreparedRecord } from './types';

/** A ledger row with what the first-offence checks read of its record's summary. */
export type LedgerRow = {
  party_key: string;
  item_code: string;
  found_date: string;
  record_id: string;
  branch: string | null;
  first_received_at: string | null;
  repeat_offence: number | null;
  latest_version: number | null;
};

/**
 * The ledger rows of a push's parties, read once for the whole push (ADR 0019) instead of twice
 * per record: the first-offence checks both ways (`serverFlags`, `flagLaterRecords`) filter them
 * in memory, exactly as their queries would. Rows are kept per party key, for the dates any record
 * of the push can reach (its lookback window back, and forward for records it may be the prior
 * of). Rows the push writes are added as they are written (`written`); a key whose rows change
 * otherwise makes the view read every key again (`forget`).
 */
export class LedgerView {
  private byKey = new Map<string, LedgerRow[]>();

  private constructor(
    private readonly from: string,
    private readonly to: string,
  ) {}

  /** The view for a push's records, its parties' rows read in one query. */
  static async of(tx: Tx, records: PreparedRecord[]): Promise<LedgerView> {
    let from = '9999-12-31';
    let to = '0000-01-01';
    const keys = new Set<string>();
    for (const { record, catalog } of records) {
      const item = catalog.items.find((i) => i.code === record.itemCode);
      if (!item) continue;
      const date = shanghaiDate(record.foundAt);
      const start = lookbackStart(item, date);
      const reach = lookbackReach(item, date);
      if (start < from) from = start;
      if (reach > to) to = reach;
      for (const k of record.partyKeys) keys.add(k);
    }
    const view = new LedgerView(from, to);
    await view.load(tx, [...keys]);
    return view;
  }

  /** The rows of these keys (read now for a key not held). */
  async rows(tx: Tx, keys: readonly string[]): Promise<LedgerRow[]> {
    await this.load(tx, keys);
    return keys.flatMap((k) => this.byKey.get(k) ?? []);
  }

  /**
   * Ledger rows just written, each with the summary row written with it (a first version) or
   * null (a replaced version, whose summary was updated in place): a held key gets the row as a
   * query would now return it, or is read again.
   */
  written(
    rows: readonly {
      row: Insertable<Database['ledger']>;
      summary: Insertable<Database['records']> | null;
    }[],
  ): void {
    for (const { row, summary } of rows) {
      const held = this.byKey.get(row.party_key);
      if (!held) continue;
      if (!summary) {
        this.byKey.delete(row.party_key);
        continue;
      }
      held.push({
        party_key: row.party_key,
        item_code: row.item_code,
        found_date: row.found_date,
        record_id: row.record_id,
        branch: row.branch ?? null,
        first_received_at: summary.first_received_at,
        repeat_offence: toNumber(summary.repeat_offence ?? 0),
        latest_version: summary.latest_version,
      });
    }
  }

  /** Drops every key's rows: each is read again at its next use. */
  forget(): void {
    this.byKey.clear();
  }

  private async load(tx: Tx, keys: readonly string[]): Promise<void> {
    const missing = [...new Set(keys)].filter((k) => !this.byKey.has(k));
    if (missing.length === 0 || this.from > this.to) return;
    for (let i = 0; i < missing.length; i += KEYS_PER_QUERY) {
      const chunk = missing.slice(i, i + KEYS_PER_QUERY);
      for (const k of chunk) this.byKey.set(k, []);
      const rows = await tx
        .selectFrom('ledger')
        .leftJoin('records', 'records.id', 'ledger.record_id')
        .select([
          'ledger.party_key',
          'ledger.item_code',
          'ledger.found_date',
          'ledger.record_id',
          'ledger.branch',
          'records.first_received_at',
          'records.repeat_offence',
          'records.latest_version',
        ])
        .where('ledger.party_key', 'in', chunk)
        .where('ledger.found_date', '>=', this.from)
        .where('ledger.found_date', '<=', this.to)
        .execute();
      for (const r of rows)
        this.byKey.get(r.party_key)?.push({ ...r, repeat_offence: toNumber(r.repeat_offence) });
    }
  }
}

const KEYS_PER_QUERY = 500;

function toNumber(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
