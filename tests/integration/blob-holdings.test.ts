import fc from 'fast-check';
import type { Insertable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '$lib/server/db/db';
import type { Database } from '$lib/server/db/schema';
import { blobHoldings } from '$lib/server/services/ingest/validate';
import { DATABASES } from '../support/server';
import { openTestDb } from '../support/test-db';

/**
 * Which of a push's files the server holds, and which of them the sender uploaded: one query
 * shape on PostgreSQL (a lateral probe per hash), another on SQLite (`in` lists). For any files,
 * uploads and question, both must answer what the tables hold, on either database.
 */

const FILES = 700;
const hash = (i: number) => i.toString(16).padStart(64, '0');
const USERS = ['u1', 'u2', 'u3'];

describe.each(DATABASES)('evidence holdings, on %s', (kind) => {
  let handle: DbHandle;
  let close: (() => Promise<void>) | null = null;
  const held = new Set<string>();
  const uploads = new Set<string>();

  beforeAll(async () => {
    ({ handle, close } = await openTestDb(kind, 'pb-holdings-'));
    // Files 0..699: two in three held; each held file uploaded by some of the users (an upload
    // row is kept even where the file itself is not, as after a restore without the files).
    const blobs: Insertable<Database['blobs']>[] = [];
    const rows: Insertable<Database['blob_uploads']>[] = [];
    for (let i = 0; i < FILES; i++) {
      if (i % 3 !== 2) {
        held.add(hash(i));
        blobs.push({ sha256: hash(i), size: 1, mime: 'image/jpeg', created_at: '2026-12-04' });
      }
      USERS.forEach((u, j) => {
        if ((i >> j) % 2 === 1) {
          uploads.add(`${u}|${hash(i)}`);
          rows.push({ sha256: hash(i), user_id: u });
        }
      });
    }
    for (let i = 0; i < blobs.length; i += 200)
      await handle.db
        .insertInto('blobs')
        .values(blobs.slice(i, i + 200))
        .execute();
    for (let i = 0; i < rows.length; i += 200)
      await handle.db
        .insertInto('blob_uploads')
        .values(rows.slice(i, i + 200))
        .execute();
  });
  afterAll(async () => {
    await close?.();
  });

  it('answers what the tables hold, for any hashes and sender', async () => {
    // Hashes of files held or not, unknown ones, repeats; more than one query's 500 at times.
    const hashes = fc.array(
      fc.oneof(
        fc.nat(FILES - 1).map(hash),
        fc.nat(10_000_000).map((n) => hash(FILES + n)),
      ),
      // `size: 'max'`: fast-check's default size keeps arrays to about ten items.
      { maxLength: 1_200, size: 'max' },
    );
    const sender = fc.constantFrom(null, ...USERS, 'nobody');
    await fc.assert(
      fc.asyncProperty(hashes, sender, async (list, who) => {
        const got = await blobHoldings(handle.db, list, who);
        const wantHeld = new Set(list.filter((h) => held.has(h)));
        const wantUploaded = new Set(who ? list.filter((h) => uploads.has(`${who}|${h}`)) : []);
        expect([...got.held].sort()).toEqual([...wantHeld].sort());
        expect([...got.uploaded].sort()).toEqual([...wantUploaded].sort());
      }),
      // Shrinking a list of a thousand hashes through the database takes many minutes: the first
      // failing list is reported as it is.
      { numRuns: 60, seed: 20_261_204, endOnFailure: true },
    );
  });
});
