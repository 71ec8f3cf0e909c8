import { hasForbiddenCharacters } from '$lib/domain/fields';
import { nextFollowUp, nextReviewState, reviewDecisionIssues } from '$lib/domain/lifecycle';
import { uuidv7 } from '$lib/domain/uuid';
import type { Review } from '$lib/sync/contract';
import type { SessionUser } from '../auth/types';
import type { Db, Tx } from '../db/db';
import { HttpError } from '../http';
import { audit } from '../repos/audit';
import { appendChanges } from '../repos/changes';
import { canReview, recordRow, versionFlags } from '../repos/records';
import { confirmationStates } from '../repos/confirmations';

export type ReviewInput = {
  recordId: string;
  action: Review['action'];
  comment: string;
  checklist: Record<string, boolean>;
};

/**
 * A supervisor's decision on the latest version of a record. The two officers receive it on their
 * next pull (one change each), and the audit log keeps it; all in one transaction.
 */
export async function reviewRecord(
  db: Db,
  user: SessionUser,
  input: ReviewInput,
  options: { ip?: string | null; now?: string } = {},
): Promise<Review> {
  const row = await recordRow(db, input.recordId);
  if (!row) throw new HttpError(404, 'notFound', '记录不存在');
  if (!canReview(user, row)) throw new HttpError(403, 'forbidden', '无权审核此记录');
  const comment = input.comment.trim();
  if (hasForbiddenCharacters(comment, false)) {
    throw new HttpError(400, 'controlChars', '审核意见含有不可见的控制字符');
  }
  const flags = await versionFlags(db, row.id, row.latest_version);
  /** The domain's rule, given where the record's officers stand as read through `from`. */
  const issuesWith = async (from: Db | Tx) =>
    reviewDecisionIssues({
      state: row.review_state,
      action: input.action,
      comment,
      checklist: input.checklist,
      flags: flags.map((f) => f.code),
      confirmations: await confirmationStates(from, row.id),
    });
  const problems = await issuesWith(db);
  const first = problems[0];
  if (first) {
    throw first.code === 'reviewNotPending'
      ? new HttpError(409, 'alreadyReviewed', first.message)
      : new HttpError(400, first.code, first.message, problems);
  }
  const reviewState = nextReviewState(row.review_state, input.action);
  const followUp =
    input.action === 'escalate' ? nextFollowUp(row.follow_up, 'escalate') : row.follow_up;
  const at = options.now ?? new Date().toISOString();
  const review: Review = {
    id: uuidv7(Date.parse(at)),
    version: row.latest_version,
    action: input.action,
    comment,
    reviewerId: user.id,
    reviewerName: user.realName,
    checklist: input.checklist,
    createdAt: at,
  };
  await db.transaction().execute(async (tx) => {
    // Guard against two reviewers acting at once: only a still-pending version moves on.
    const updated = await tx
      .updateTable('records')
      .set({ review_state: reviewState, follow_up: followUp, updated_at: at })
      .where('id', '=', row.id)
      .where('review_state', '=', 'pending')
      .where('latest_version', '=', row.latest_version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      throw new HttpError(409, 'alreadyReviewed', '该记录刚被其他人审核或已有新版本，请刷新');
    }
    // Read again under the row lock just taken: an officer's denial committed since the check
    // above (it takes the same row first) is seen here and stops the approval.
    if (input.action === 'approve') {
      const [late] = await issuesWith(tx);
      if (late) throw new HttpError(409, late.code, late.message, [late]);
    }
    await tx
      .insertInto('reviews')
      .values({
        id: review.id,
        record_id: row.id,
        version: review.version,
        reviewer_id: user.id,
        action: input.action,
        comment,
        checklist: JSON.stringify(input.checklist),
        created_at: at,
      })
      .execute();
    const payload = {
      review: {
        id: review.id,
        recordId: row.id,
        version: review.version,
        action: input.action,
        comment,
        reviewerName: user.realName,
        reviewState,
      },
    };
    await appendChanges(
      tx,
      [...new Set([row.officer1_id, row.officer2_id])].map((userId) => ({
        kind: 'review' as const,
        userId,
        at,
        payload,
      })),
    );
    await audit(tx, {
      userId: user.id,
      action: `review.${input.action}`,
      target: row.id,
      detail: {
        version: review.version,
        comment,
        checklist: input.checklist,
        flags: flags.map((f) => f.code),
      },
      ip: options.ip ?? null,
    });
  });
  return review;
}
