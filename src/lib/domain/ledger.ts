/**
 * The first-offence ledger holds one row per party key of a record (a person's ID number, a
 * shop's credit code, a plate, …). A prior, as the first-offence check reads it, is one record
 * with every key it shares with the party checked: rows are grouped by record, in the order they
 * come, keys in the order of their rows. The server's ledger lookup and the phone's own ledger
 * both group this way.
 */
export function groupByRecord<R extends { recordId: string; partyKey: string }, E extends object>(
  rows: Iterable<R>,
  entry: (row: R) => E,
): (E & { partyKeys: string[] })[] {
  const byRecord = new Map<string, E & { partyKeys: string[] }>();
  for (const row of rows) {
    const seen = byRecord.get(row.recordId);
    if (seen) {
      if (!seen.partyKeys.includes(row.partyKey)) seen.partyKeys.push(row.partyKey);
    } else byRecord.set(row.recordId, { ...entry(row), partyKeys: [row.partyKey] });
  }
  return [...byRecord.values()];
}
