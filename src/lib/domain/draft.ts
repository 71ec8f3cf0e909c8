import type { Catalog } from './catalog';
import type { ChecklistAnswers } from './checklist';
import type { Party } from './party';
import type {
  DocumentRef,
  Education,
  Evidence,
  FirstOffenceCheck,
  LockedRecord,
  OfficerRef,
  PartySignature,
  Place,
  Signature,
} from './record';

/** What the officer is typing: everything optional until the record is finished. */
export type Draft = {
  id: string;
  kind: 'new' | 'amend' | 'reinspect';
  /** For amendments and re-inspections: the locked version being replaced. */
  base: LockedRecord | null;
  /** Amendments: answering a supervisor's return, or the server's refusal. */
  amendReason?: 'returned' | 'rejected';
  createdAt: string;
  updatedAt: string;
  step: number;
  catalogVersion: string;
  itemCode: string | null;
  foundAt: string;
  source: LockedRecord['source'];
  place: Partial<Place> & { address?: string };
  party: Partial<Party> & { kind?: Party['kind'] };
  facts: string;
  answers: ChecklistAnswers;
  firstOffenceCheck: FirstOffenceCheck | null;
  education: Partial<Education>;
  evidence: Evidence[];
  secondOfficer: OfficerRef | null;
  /** Re-inspection: the officer re-inspecting with the signed-in one. */
  secondOfficerForReinspection: OfficerRef | null;
  signatures: {
    party: PartySignature | null;
    officers: [Signature | null, Signature | null];
  };
  /** Re-inspection flow only. */
  reinspection?: {
    result: 'corrected' | 'notCorrected' | null;
    note: string;
    signatures: [Signature | null, Signature | null];
  };
  /** The on-site procedure (certificates, recusal, recorder, where documents were left). */
  procedure?: {
    certificatesShown?: boolean;
    recusalNotified?: boolean;
    recorder?: 0 | 1;
    leftAt?: { kind?: 'residence' | 'premises'; address?: string };
  };
  /**
   * The texts the phone last drafted (facts, education, law explained): a field still equal to
   * its drafted text follows the case as it changes; one the officer edited is theirs.
   */
  drafted?: { facts?: string; education?: string; law?: string; reason?: string };
  /** The city platform's task the record is made from (a new record; its versions keep it). */
  taskId?: string;
  /** Numbers taken when finishing started; reused if finishing is retried after a crash. */
  issuedDocuments?: DocumentRef[];
};

/** The signed-in officer, as the builder needs them. */
export type Author = {
  userId: string;
  name: string;
  certificateNo: string | null;
  squadId: string | null;
};

export type BuildContext = {
  catalog: Catalog;
  author: Author;
  deviceId: string;
  now: Date;
};
