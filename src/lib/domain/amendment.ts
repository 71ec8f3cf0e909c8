import { canonicalJson } from './integrity';
import { issue, type Issue } from './issues';
import type { LockedRecord, RecordContent } from './record';

/**
 * Amendments: a locked version is never changed; the next version names its hash, keeps its
 * evidence, documents and officers, and keeps a signature only while what it attests is the same.
 */

/**
 * What a signature attests: the finding (party, place, time, facts, item), the officers, the
 * checklist answers and the priors the decision rests on, and the education. Not the evidence
 * list (photos carry their own time and place), the documents, the re-inspection or the note of
 * an amendment. ADR 0009 gives the reasons.
 */
export function attestedContent(
  r: Pick<
    RecordContent,
    | 'party'
    | 'place'
    | 'foundAt'
    | 'facts'
    | 'itemCode'
    | 'catalogVersion'
    | 'officers'
    | 'source'
    | 'answers'
    | 'education'
    | 'firstOffenceCheck'
  >,
): string {
  const correction = r.answers.correction;
  const onSite =
    correction?.mode === 'deadline' ? { ...correction, reinspection: undefined } : correction;
  return canonicalJson({
    party: r.party,
    place: r.place,
    foundAt: r.foundAt,
    facts: r.facts,
    itemCode: r.itemCode,
    catalogVersion: r.catalogVersion,
    officers: r.officers.map((o) => o.userId),
    source: r.source,
    answers: { ...r.answers, correction: onSite },
    education: r.education,
    priors: r.firstOffenceCheck.priors.map((p) => p.recordId).sort(),
  });
}

/** Hashes of every signature image a record holds (any shape: a quarantined body too). */
export function signatureHashes(signatures: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Record<string, unknown>;
    if (typeof o.sha256 === 'string' && typeof o.signedAt === 'string') out.add(o.sha256);
    Object.values(o).forEach(walk);
  };
  walk(signatures);
  return out;
}

/** The version an amendment replaces, as far as the amendment rules need it. */
export type PreviousVersion = {
  version: number;
  contentHash: string;
  evidence: readonly string[];
  /** Verification ids of the documents it issued. */
  documents: readonly string[];
  /** Its two officers as canonical JSON (id, name, certificate number). */
  officers: string | null;
  signatures: Set<string>;
  /** null when the version could not be read as a record (a quarantined body). */
  attested: string | null;
};

export function previousVersionOf(r: LockedRecord): PreviousVersion {
  return {
    version: r.version,
    contentHash: r.contentHash,
    evidence: r.evidence.map((e) => e.sha256),
    documents: r.documents.map((d) => d.id),
    officers: canonicalJson(r.officers),
    signatures: signatureHashes(r.signatures),
    attested: attestedContent(r),
  };
}

/**
 * Rules between a version and the one it replaces: original evidence stays, and a signature made
 * for the earlier version carries over only while what it attests is unchanged.
 */
export function amendmentIssues(prev: PreviousVersion, next: RecordContent): Issue[] {
  const issues: Issue[] = [];
  if (next.version !== prev.version + 1 || next.previousVersionHash !== prev.contentHash) {
    issues.push(issue(['previousVersionHash'], 'previousChanged'));
  }
  const kept = new Set(next.evidence.map((e) => e.sha256));
  if (prev.evidence.some((h) => !kept.has(h))) issues.push(issue(['evidence'], 'evidenceRemoved'));
  // A document already served keeps its number and stays verifiable in every later version.
  const issued = new Set(next.documents.map((d) => d.id));
  if (prev.documents.some((id) => !issued.has(id))) {
    issues.push(issue(['documents'], 'documentsDropped'));
  }
  if (prev.officers !== null && prev.officers !== canonicalJson(next.officers)) {
    issues.push(issue(['officers'], 'officersChanged'));
  }
  if (prev.attested === null || prev.attested !== attestedContent(next)) {
    const stale = (sha: string | undefined) => sha !== undefined && prev.signatures.has(sha);
    const p = next.signatures.party;
    const partySha =
      p.kind === 'signed'
        ? p.signature.sha256
        : p.kind === 'refused'
          ? p.witness.signature.sha256
          : undefined;
    if (stale(partySha)) {
      issues.push(issue(['signatures', 'party'], 'signaturesStale', { version: prev.version }));
    }
    if (next.signatures.officers.some((s) => stale(s.sha256))) {
      issues.push(issue(['signatures', 'officers'], 'signaturesStale', { version: prev.version }));
    }
  }
  return issues;
}

/** The content of the next version of a locked record, ready to be edited and locked again. */
export function amendmentOf(record: LockedRecord, note: string): RecordContent {
  if (!note.trim()) throw new RangeError('amendment needs a note');
  const { contentHash, ...content } = record;
  return {
    ...content,
    version: record.version + 1,
    previousVersionHash: contentHash,
    amendmentNote: note.trim(),
  };
}
