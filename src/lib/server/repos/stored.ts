import { z } from 'zod';
import { storedRecordSchema, type LockedRecord } from '$lib/domain/record';
import { flagSchema, reviewSchema, type Flag } from '$lib/sync/contract';

/**
 * JSON read back from the database, parsed with the schemas it was written with (never cast):
 * a row changed by hand, or by a bug, fails loudly here instead of deep inside a page.
 */

export function parseStoredRecord(body: string): LockedRecord {
  return storedRecordSchema.parse(JSON.parse(body));
}

const flagsSchema = z.array(flagSchema);
export function parseFlags(text: string): Flag[] {
  return flagsSchema.parse(JSON.parse(text));
}

const checklistSchema = reviewSchema.shape.checklist;
export function parseChecklist(text: string): Record<string, boolean> {
  return checklistSchema.parse(JSON.parse(text));
}
