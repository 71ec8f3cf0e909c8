/**
 * Writes issued at once inside the caller's transaction and settled together, rather than each
 * waiting for the browser's storage to answer the last. They must touch distinct rows.
 * A failed write aborts the transaction, and the writes still under way then fail with Dexie's
 * `TransactionInactiveError`, which says nothing: the error thrown is the first other one.
 */
export async function writeTogether(writes: (Promise<unknown> | null)[]): Promise<void> {
  const settled = await Promise.allSettled(writes.map((w) => w ?? Promise.resolve()));
  const reasons = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  const cause = reasons.find((e) => e?.name !== 'TransactionInactiveError') ?? reasons[0];
  if (cause) throw cause;
}
