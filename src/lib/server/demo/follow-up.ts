import { evaluate } from '$lib/domain/evaluate';
import { followUpOf, REVIEW_CHECKS } from '$lib/domain/lifecycle';
import { amendmentOf, lockRecord, type LockedRecord } from '$lib/domain/record';
import { addDays, shanghaiDate, shanghaiIso } from '$lib/domain/time';
import { blobSizes } from '../repos/blobs';
import { versionFlags } from '../repos/records';
import { decideConfirmation } from '../services/confirmations';
import { ingestRecords } from '../services/ingest';
import { reviewRecord } from '../services/review';
import type { AppContext } from '../app';
import { freshSignatures, resigned } from './blobs';
import type { DemoCase, SeedRun } from './history';
import { pick } from './random';
import { supervisorOf } from './roster';

const day = 86_400_000;

/**
 * The re-inspection of a deadline case whose deadline has passed (a few left overdue on purpose):
 * corrected by the deadline, or found uncorrected the day after it. Returns the version stored.
 */
export async function reinspect(
  run: SeedRun,
  c: DemoCase,
  first: LockedRecord,
): Promise<LockedRecord> {
  const { rng, blobs } = run;
  const { answers, when, item, keys, history, id, date, officers, lead, deviceId } = c;
  let record = first;
  const correction = answers.correction;
  const today = shanghaiDate(run.now);
  if (correction?.mode === 'deadline' && correction.deadline < today && rng() < 0.85) {
    const corrected = rng() < 0.85;
    const onDate = corrected
      ? addDays(
          correction.setOn,
          Math.floor(
            rng() *
              (1 +
                Math.max(
                  0,
                  (Date.parse(correction.deadline) - Date.parse(correction.setOn)) / day,
                )),
          ),
        )
      : // Not corrected can only be found once the deadline day is over.
        addDays(correction.deadline, 1);
    const doneAt = new Date(
      Math.max(
        when.getTime() + 3600_000,
        Date.parse(`${onDate}T00:00:00+08:00`),
        Math.min(
          run.now.getTime() - 60_000,
          Date.parse(`${onDate}T10:00:00+08:00`) + Math.floor(rng() * 6 * 3600_000),
        ),
      ),
    );
    const next = amendmentOf(
      record,
      corrected ? '复查：当事人已按期改正' : '复查：当事人逾期未改正',
    );
    next.answers = {
      ...next.answers,
      correction: {
        ...correction,
        reinspection: { result: corrected ? 'corrected' : 'notCorrected', on: onDate },
      },
    };
    next.evaluation = evaluate({
      catalog: run.catalog,
      itemCode: item.code,
      answers: next.answers,
      partyKeys: keys,
      history,
      recordId: id,
      foundOn: date,
      now: doneAt,
    });
    next.evaluatedAt = shanghaiIso(doneAt);
    next.reinspection = {
      dueDate: correction.deadline,
      doneAt: shanghaiIso(doneAt),
      officers,
      signatures: [
        {
          sha256: pick(rng, blobs.signatures),
          signerName: officers[0].name,
          signedAt: shanghaiIso(doneAt),
        },
        {
          sha256: pick(rng, blobs.signatures),
          signerName: officers[1].name,
          signedAt: shanghaiIso(doneAt),
        },
      ],
      result: corrected ? 'corrected' : 'notCorrected',
      note: corrected ? '现场复查，已改正' : '现场复查，未改正，转一般程序',
    };
    next.followUp = followUpOf(next);
    if (corrected)
      next.evidence = [
        ...next.evidence,
        {
          sha256: pick(rng, blobs.afterPhotos),
          kind: 'after',
          mime: 'image/png',
          bytes: 1,
          takenAt: shanghaiIso(doneAt),
          capturedBy: lead.userId,
        },
      ];
    const sizes = await blobSizes(
      run.ctx.db,
      next.evidence.map((e) => e.sha256),
    );
    for (const e of next.evidence) e.bytes = sizes.get(e.sha256) ?? 1;
    next.completedAt = shanghaiIso(doneAt.getTime() + 10 * 60_000);
    const have = new Set(next.documents.map((d) => d.docType));
    next.documents.push(...(await run.documentsFor(next, lead, deviceId, doneAt, have)));
    if (next.evaluation.complete) {
      record = await lockRecord(next);
      const [r2] = await ingestRecords(run.ctx.db, [record], {
        deviceId,
        pusher: { id: lead.userId, role: 'officer' },
        now: new Date(doneAt.getTime() + 3600_000).toISOString(),
      });
      if (r2?.status !== 'accepted')
        throw new Error(`demo re-inspection not accepted: ${JSON.stringify(r2)}`);
      await confirmOthers(run.ctx, id, new Date(doneAt.getTime() + 3 * 3600_000).toISOString());
    }
  }

  return record;
}

/**
 * Supervisors review what is more than a few days old: most approved, some returned (and often
 * amended, re-signed and approved), a few ineligible ones escalated, the rest left waiting.
 */
export async function review(run: SeedRun, c: DemoCase, latest: LockedRecord): Promise<void> {
  const { rng, blobs } = run;
  const { when, squadId, id, lead, deviceId } = c;
  const ctx = run.ctx;
  let record = latest;
  const age = (run.now.getTime() - when.getTime()) / day;
  if (age > 4) {
    const reviewer = supervisorOf(squadId);
    const roll = rng();
    const reviewAt = new Date(when.getTime() + (1 + rng() * 3) * day).toISOString();
    const checklist = Object.fromEntries(REVIEW_CHECKS.map((c) => [c, true]));
    if (roll < 0.1) {
      await reviewRecord(
        ctx.db,
        reviewer,
        {
          recordId: id,
          action: 'return',
          comment: pick(rng, [
            '当事人陈述记录不完整，请补充。',
            '现场照片未能反映占道面积，请补充说明。',
            '教育内容过于简单，请补充讲解的法律条款。',
          ]),
          checklist: { ...checklist, factsAndEvidence: false },
        },
        { now: reviewAt },
      );
      if (rng() < 0.6) {
        const amended = amendmentOf(record, '按审核意见补充');
        amended.education = {
          ...amended.education!,
          partyStatement: `${amended.education?.partyStatement ?? ''}（补充：当事人表示已知晓相关规定，承诺今后遵守。）`,
        };
        // The party's statement changed: the signatures of version 1 no longer attest it, so the
        // officers went back to the party and everyone signed again.
        amended.signatures = resigned(amended.signatures, amendAtIso(reviewAt), () =>
          pick(rng, freshSignatures(blobs, record)),
        );
        record = await lockRecord(amended);
        const amendAt = new Date(Date.parse(reviewAt) + day);
        await ingestRecords(ctx.db, [record], {
          deviceId,
          pusher: { id: lead.userId, role: 'officer' },
          now: amendAt.toISOString(),
        });
        if (rng() < 0.7)
          await reviewRecord(
            ctx.db,
            reviewer,
            { recordId: id, action: 'approve', comment: await approval(ctx, record), checklist },
            { now: new Date(amendAt.getTime() + day).toISOString() },
          );
      }
    } else if (roll < 0.14 && record.evaluation.branch === 'ineligible') {
      await reviewRecord(
        ctx.db,
        reviewer,
        {
          recordId: id,
          action: 'escalate',
          comment: '不符合免罚条件，转一般程序办理。',
          checklist,
        },
        { now: reviewAt },
      );
    } else if (roll < 0.85) {
      await reviewRecord(
        ctx.db,
        reviewer,
        { recordId: id, action: 'approve', comment: await approval(ctx, record), checklist },
        { now: reviewAt },
      );
    }
  }
}

/** Every officer still asked to confirm a record confirms it, on their own account. */
export async function confirmOthers(ctx: AppContext, recordId: string, at: string): Promise<void> {
  const waiting = await ctx.db
    .selectFrom('officer_confirmations')
    .select(['part', 'user_id'])
    .where('record_id', '=', recordId)
    .where('state', '=', 'requested')
    .execute();
  for (const w of waiting) {
    await decideConfirmation(
      ctx.db,
      { id: w.user_id },
      recordId,
      { part: w.part, decision: 'confirm', reason: '' },
      { now: at },
    );
  }
}

/** A supervisor approving a flagged version says how each flag was handled (as the rules ask). */
async function approval(ctx: AppContext, record: LockedRecord): Promise<string> {
  const flags = await versionFlags(ctx.db, record.id, record.version);
  return flags.length > 0 ? '已逐项核实系统标记，情况属实，同意不予处罚。' : '';
}

function amendAtIso(reviewAt: string): string {
  return shanghaiIso(Date.parse(reviewAt) + 20 * 3600_000);
}
