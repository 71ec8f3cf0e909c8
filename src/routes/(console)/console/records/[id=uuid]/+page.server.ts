import { error, fail } from '@sveltejs/kit';
import { documentShortHash, printBlockers } from '$lib/notices/content';
import { app } from '$lib/server/app';
import { consoleUser } from '$lib/server/console';
import { clientIp, HttpError } from '$lib/server/http';
import { catalogVersion } from '$lib/server/repos/catalogs';
import { canRead, canReview, recordDetail, recordRow } from '$lib/server/repos/records';
import { contentFor } from '$lib/server/notices';
import { squadById } from '$lib/server/repos/users';
import { assignedNumbersOf } from '$lib/server/services/numbers';
import { reviewRecord } from '$lib/server/services/review';
import { prefillChecklist } from '$lib/server/services/review-checklist';
import { REVIEW_ACTIONS, REVIEW_CHECKS } from '$lib/sync/contract';
import { reviewActionsFrom } from '$lib/domain/lifecycle';
import type { Actions, PageServerLoad } from './$types';
import { field } from '$lib/server/forms';

export const load: PageServerLoad = async ({ locals, params }) => {
  const user = consoleUser(locals);
  const ctx = await app();
  const row = await recordRow(ctx.db, params.id);
  if (!row) error(404, 'console.record.noSuchRecord');
  if (!canRead(user, row)) error(403, 'console.record.youMayNotView');
  const detail = await recordDetail(ctx.db, params.id);
  if (!detail) error(404, 'console.record.noSuchRecord');
  const r = detail.record;
  const catalog = await catalogVersion(ctx.db, r.catalogVersion);
  const item = catalog?.items.find((i) => i.code === r.itemCode) ?? null;
  const squad = await squadById(ctx.db, r.squadId);
  const assigned = await assignedNumbersOf(ctx.db, r.id);
  const documents = [];
  for (const d of r.documents) {
    const content = await contentFor(ctx, r, d.id);
    documents.push({
      ...d,
      short: content ? await documentShortHash(content) : null,
      assigned: assigned.get(d.id) ?? null,
      /** Why it cannot be printed now (nothing unconfirmed goes on paper); null if it can. */
      blocked: catalog ? (printBlockers({ record: r, doc: d, catalog })[0]?.code ?? null) : null,
    });
  }
  const latest = detail.versions.at(-1);
  return {
    detail,
    item,
    catalogTitle: catalog?.title ?? '',
    squad: squad ?? { name: r.squadId, district: '' },
    documents,
    canReview: canReview(user, row) && reviewActionsFrom(detail.reviewState).length > 0,
    actions: reviewActionsFrom(detail.reviewState),
    /** What the data suggests for each item: shown beside the boxes, which start unticked. */
    hints: prefillChecklist(r, latest?.flags ?? []),
    checks: REVIEW_CHECKS,
  };
};

export const actions: Actions = {
  review: async (event) => {
    const user = consoleUser(event.locals);
    const form = await event.request.formData();
    const action = field(form, 'action');
    if (!(REVIEW_ACTIONS as readonly string[]).includes(action))
      return fail(400, { error: 'console.record.unknownReviewAction', issues: [], comment: '' });
    const comment = field(form, 'comment').slice(0, 2000);
    const checklist = Object.fromEntries(REVIEW_CHECKS.map((c) => [c, form.get(c) === 'on']));
    const ctx = await app();
    try {
      await reviewRecord(
        ctx.db,
        user,
        {
          recordId: event.params.id,
          action: action as (typeof REVIEW_ACTIONS)[number],
          comment,
          checklist,
        },
        { ip: clientIp(event) },
      );
    } catch (e) {
      if (e instanceof HttpError)
        return fail(e.status, { error: e.message, issues: e.issues ?? [], comment });
      throw e;
    }
    return { done: action };
  },
};
