import { fail } from '@sveltejs/kit';
import { REVIEW_CHECKS } from '$lib/domain/lifecycle';
import type { SpotCheckAnswers } from '$lib/domain/spot-check';
import { app } from '$lib/server/app';
import { consoleUser } from '$lib/server/console';
import { field } from '$lib/server/forms';
import { clientIp, HttpError } from '$lib/server/http';
import { reviewSpotItem, spotCheckDetail } from '$lib/server/services/spot-checks';
import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';

/** One draw: how it was made (seed, rule, population), its records and their reviews. */
export const load: PageServerLoad = async ({ locals, params }) => {
  const user = consoleUser(locals);
  try {
    return { ...(await spotCheckDetail((await app()).db, user, params.id)), checks: REVIEW_CHECKS };
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) error(404, 'console.server.spotNotFound');
    throw e;
  }
};

export const actions: Actions = {
  /** Each checklist item is answered "holds" or "does not hold"; a finding needs a note. */
  review: async (event) => {
    const user = consoleUser(event.locals);
    const form = await event.request.formData();
    const position = Number(field(form, 'position'));
    const answers = Object.fromEntries(
      REVIEW_CHECKS.map((c) => [
        c,
        field(form, c) === 'yes' ? true : field(form, c) === 'no' ? false : null,
      ]),
    ) as unknown as SpotCheckAnswers;
    try {
      await reviewSpotItem(
        (await app()).db,
        user,
        event.params.id,
        position,
        answers,
        field(form, 'note'),
        clientIp(event),
      );
    } catch (e) {
      if (e instanceof HttpError) return fail(e.status, { error: e.message, position });
      throw e;
    }
    return { reviewed: position };
  },
};
