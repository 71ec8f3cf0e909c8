import type { Draft } from '$lib/domain/draft';
import type { PatrolDb } from '$lib/client/db';
import { draftFiles, finishDraft, newDraft } from '$lib/client/records';
import { starterCatalog } from '$lib/domain/starter-catalog';
import type { Signature } from '$lib/domain/record';
import { fakeHash } from './factories';

/** When the officers of the client tests record their case (Shanghai time). */
export const DRAFT_AT = '2026-11-27T10:00:00+08:00';

/** The party's and both officers' signatures, made at `at`, images named by `file(tag)`. */
export function signaturesOf(
  party: string,
  at: string,
  file: (tag: string) => string,
  tags: [string, string, string] = ['p', 'o1', 'o2'],
): Draft['signatures'] & { officers: [Signature, Signature] } {
  return {
    party: {
      kind: 'signed',
      signature: { sha256: file(tags[0]), signerName: party, signedAt: at },
    },
    officers: [
      { sha256: file(tags[1]), signerName: '张伟', signedAt: at },
      { sha256: file(tags[2]), signerName: '王喆', signedAt: at },
    ],
  };
}

/**
 * A street vendor's case (SR-02) as the phone's wizard leaves it when every step is done:
 * a person with an ID number, corrected on the spot, educated, photographed before and after,
 * with the second officer, the on-site procedure and all three signatures.
 */
export function completeDraft(
  now: Date,
  capturedBy: string,
  options: {
    name?: string;
    file?: (tag: string) => string;
    partyKeys?: string[];
    recorder?: 0 | 1;
  } = {},
): Draft {
  const name = options.name ?? '李堃';
  const file = options.file ?? fakeHash;
  const d = newDraft(starterCatalog, now);
  d.itemCode = 'SR-02';
  d.party = {
    kind: 'person',
    name,
    idNumber: '340102199003071232',
    mobile: '13800138000',
    address: '六安市金安区佛子岭路18号',
  };
  d.place = { address: '六安市金安区梅山南路', source: 'manual' };
  d.facts = '流动摊点占道经营。';
  d.answers = {
    conditions: { slightHarm: true, cooperates: true, notFixedSpot: true },
    exclusions: { safetyRisk: false, personalInjury: false, propertyDamage: false },
    correction: { mode: 'onTheSpot', corrected: true },
    commitmentSigned: true,
    discretionReason: '首次违法，当场改正',
  };
  d.firstOffenceCheck = {
    checkedAt: DRAFT_AT,
    sources: ['local'],
    partyKeys: options.partyKeys ?? ['id:340102199003071232'],
    priors: [],
  };
  d.education = {
    methods: ['persuasion'],
    content: '已教育',
    lawExplained: '《城市道路管理条例》第二十七条',
    partyStatement: '',
  };
  const photo = (tag: string, kind: 'before' | 'after') => ({
    sha256: file(tag),
    kind,
    mime: 'image/jpeg' as const,
    bytes: 10,
    takenAt: DRAFT_AT,
    capturedBy,
  });
  d.evidence = [photo('b', 'before'), photo('a', 'after')];
  d.secondOfficer = { userId: 'u-officer2', name: '王喆', certificateNo: '34151002' };
  d.procedure = { certificatesShown: true, recusalNotified: true, recorder: options.recorder ?? 1 };
  d.signatures = signaturesOf(name, DRAFT_AT, file);
  return d;
}

/**
 * The files a draft names, kept on the phone as the app keeps each when it is taken (a few bytes
 * here): finishing refuses a record naming a file the phone does not hold.
 */
export async function holdFiles(db: PatrolDb, draft: Draft): Promise<void> {
  const have = new Set(await db.evidence.toCollection().primaryKeys());
  await db.evidence.bulkPut(
    draftFiles(draft)
      .filter((sha256) => !have.has(sha256))
      .map((sha256) => ({
        sha256,
        bytes: new Uint8Array([1, 2, 3]).buffer,
        mime: 'image/jpeg',
        size: 3,
        createdAt: DRAFT_AT,
        uploaded: 0 as const,
      })),
  );
}

/** `finishDraft` of a draft whose files the phone holds (`holdFiles`). */
export async function finishHeld(
  db: PatrolDb,
  draft: Draft,
  options: Parameters<typeof finishDraft>[2],
): ReturnType<typeof finishDraft> {
  await holdFiles(db, draft);
  return finishDraft(db, draft, options);
}
