import type { Catalog, CatalogItem } from '$lib/domain/catalog';
import type { Evaluation } from '$lib/domain/evaluate';
import { findItem } from '$lib/domain/catalog';
import { applyDrafting } from '$lib/domain/drafting';
import { nowIso } from '$lib/domain/time';
import type { Draft, EvidenceBlob, PatrolDb } from './db';
import { draftFiles, draftParty, evaluateDraft } from './records';
import type { Message } from '$lib/i18n';

/**
 * One draft being edited. Every change is written to IndexedDB shortly after it is made (and at
 * once when the page is hidden), so a reload or a crash resumes where the officer was.
 */
export class DraftEditor {
  readonly catalog: Catalog;
  draft = $state<Draft>() as Draft;
  dirty = $state(false);
  /** A write to IndexedDB is under way (what the "saving" indicator shows, nothing else). */
  saving = $state(false);
  savedAt = $state<string | null>(null);
  saveError = $state<Message | null>(null);
  readonly evaluation: Evaluation | null = $derived.by(() =>
    evaluateDraft(this.draft, this.catalog),
  );
  readonly item: CatalogItem | null = $derived.by(() =>
    this.draft.itemCode ? (findItem(this.catalog, this.draft.itemCode) ?? null) : null,
  );
  /**
   * The party is not entered yet (a kind chosen other than "unknown", or none): the evaluation's
   * "party unidentified" is then a question still open, not a finding.
   */
  readonly partyPending: boolean = $derived.by(
    () => this.draft.party.kind !== 'unknown' && draftParty(this.draft) === null,
  );
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Files the draft names that are not written yet: they go with the draft's next save. */
  private pending: EvidenceBlob[] = [];
  private db: PatrolDb;
  private onDirty: (dirty: boolean) => void;

  constructor(
    db: PatrolDb,
    draft: Draft,
    catalog: Catalog,
    onDirty: (dirty: boolean) => void = () => undefined,
  ) {
    this.db = db;
    this.catalog = catalog;
    this.onDirty = onDirty;
    this.draft = draft;
  }

  /** Applies a change and schedules the save. */
  update(change: (d: Draft) => void): void {
    change(this.draft);
    // The facts, education and law explained the phone drafts follow the change (ADR 0021).
    applyDrafting(this.draft, this.item);
    this.draft.updatedAt = nowIso();
    this.markDirty(true);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.save(), 300);
  }

  /**
   * Adds a file (a photo, a signature's image) with the change that names it, and saves: the file
   * and the draft are written in one transaction, so a page closed in between leaves neither a
   * file no draft names nor a draft naming a file the phone does not hold. A failed save keeps the
   * file for the next one.
   */
  async attach(file: EvidenceBlob, change: (d: Draft) => void): Promise<void> {
    this.pending = [...this.pending.filter((f) => f.sha256 !== file.sha256), file];
    this.update(change);
    await this.save();
  }

  private markDirty(dirty: boolean) {
    this.dirty = dirty;
    this.onDirty(dirty);
  }

  async save(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.dirty) return;
    this.saving = true;
    try {
      const snapshot: Draft = $state.snapshot(this.draft);
      // A file whose photo or signature was removed before it was ever written is dropped.
      const named = draftFiles(snapshot);
      const files = this.pending.filter((f) => named.includes(f.sha256));
      await this.db.transaction('rw', [this.db.drafts, this.db.evidence], async () => {
        await this.db.evidence.bulkPut(files);
        // Keep numbers an earlier release took for this draft (see finishDraft).
        const stored = await this.db.drafts.get(snapshot.id);
        await this.db.drafts.put({
          ...snapshot,
          ...(stored?.issuedDocuments ? { issuedDocuments: stored.issuedDocuments } : {}),
        });
      });
      // Written now; one no longer named (removed while unwritten) is not kept for later.
      const current = draftFiles(this.draft);
      this.pending = this.pending.filter((f) => !files.includes(f) && current.includes(f.sha256));
      this.savedAt = nowIso();
      this.saveError = null;
      this.markDirty(false);
    } catch (e) {
      this.saveError = {
        key: 'err.draftSave',
        params: { detail: e instanceof Error ? e.message : String(e) },
      };
    } finally {
      this.saving = false;
    }
  }
}
