import { describe, expect, it } from 'vitest';
import { phoneDb } from '../../../tests/support/phone-db';
import { starterCatalog } from '$lib/domain/starter-catalog';
import { DraftEditor } from './draft-editor.svelte';
import { sealFile } from './media/evidence';
import { newDraft } from './records';

const photo = (n: number) => ({
  sha256: n.toString(16).padStart(64, '0'),
  bytes: new Uint8Array([0xff, 0xd8, n]).buffer,
  mime: 'image/jpeg' as const,
  createdAt: '2026-11-27T02:00:00.000Z',
});
const ref = (sha256: string) => ({
  sha256,
  kind: 'before' as const,
  mime: 'image/jpeg' as const,
  bytes: 3,
  takenAt: '2026-11-27T10:00:00+08:00',
  capturedBy: 'u-officer1',
});

describe('DraftEditor.attach', () => {
  it('writes the file and the draft naming it together', async () => {
    const db = phoneDb('editor');
    const editor = new DraftEditor(db, newDraft(starterCatalog), starterCatalog);
    const file = await sealFile(db, photo(1));
    await editor.attach(file, (d) => void d.evidence.push(ref(file.sha256)));
    expect(editor.saveError).toBeNull();
    const stored = await db.drafts.get(editor.draft.id);
    expect(stored?.evidence.map((e) => e.sha256)).toEqual([file.sha256]);
    expect(new Uint8Array((await db.evidence.get(file.sha256))?.bytes ?? [])).toEqual(
      new Uint8Array([0xff, 0xd8, 1]),
    );
  });

  it('a save that fails writes neither, and the next one writes both', async () => {
    const db = phoneDb('editor');
    const editor = new DraftEditor(db, newDraft(starterCatalog), starterCatalog);
    const key = db.vault.exportKey();
    const file = await sealFile(db, photo(2));
    // The phone locks between the photo and its save: the draft cannot be sealed.
    db.vault.close();
    await editor.attach(file, (d) => void d.evidence.push(ref(file.sha256)));
    expect(editor.saveError).toMatchObject({ key: 'err.draftSave' });
    expect(await db.evidence.count()).toBe(0);
    expect(await db.drafts.count()).toBe(0);
    db.vault.open(key);
    await editor.save();
    expect(editor.saveError).toBeNull();
    expect(await db.evidence.count()).toBe(1);
    expect((await db.drafts.get(editor.draft.id))?.evidence).toHaveLength(1);
  });

  it('a photo removed before it was ever written is not written later', async () => {
    const db = phoneDb('editor');
    const editor = new DraftEditor(db, newDraft(starterCatalog), starterCatalog);
    const key = db.vault.exportKey();
    const kept = await sealFile(db, photo(3));
    const dropped = await sealFile(db, photo(4));
    db.vault.close();
    await editor.attach(kept, (d) => void d.evidence.push(ref(kept.sha256)));
    await editor.attach(dropped, (d) => void d.evidence.push(ref(dropped.sha256)));
    editor.update((d) => (d.evidence = d.evidence.filter((e) => e.sha256 !== dropped.sha256)));
    db.vault.open(key);
    await editor.save();
    expect((await db.evidence.toArray()).map((f) => f.sha256)).toEqual([kept.sha256]);
    expect((await db.drafts.get(editor.draft.id))?.evidence.map((e) => e.sha256)).toEqual([
      kept.sha256,
    ]);
  });
});
