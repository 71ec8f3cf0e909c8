import { fail } from '@sveltejs/kit';
import { TASK_STATES, type TaskState } from '$lib/domain/tasks';
import { app } from '$lib/server/app';
import { consoleUser } from '$lib/server/console';
import { field } from '$lib/server/forms';
import { clientIp, HttpError } from '$lib/server/http';
import { assignTask, closeUnfounded, taskBoard } from '$lib/server/services/dispatch';
import type { Actions, PageServerLoad } from './$types';

/** The city platform's tasks: to dispatch, dispatched, handled, closed as unfounded. */
export const load: PageServerLoad = async ({ locals, url }) => {
  const user = consoleUser(locals);
  const asked = url.searchParams.get('state');
  const state: TaskState = TASK_STATES.includes(asked as TaskState)
    ? (asked as TaskState)
    : 'received';
  const ctx = await app();
  return { state, ...(await taskBoard(ctx.db, user, { state })) };
};

/** A service's refusal as the form's error (its Chinese sentence, shown in English too). */
async function attempt(run: () => Promise<void>, taskId: string) {
  try {
    await run();
    return null;
  } catch (e) {
    if (e instanceof HttpError) return fail(e.status, { error: e.message, taskId });
    throw e;
  }
}

export const actions: Actions = {
  assign: async (event) => {
    const user = consoleUser(event.locals);
    const form = await event.request.formData();
    const taskId = field(form, 'taskId');
    const refused = await attempt(
      async () =>
        assignTask(
          (await app()).db,
          user,
          taskId,
          [field(form, 'officer1'), field(form, 'officer2')],
          clientIp(event),
        ),
      taskId,
    );
    return refused ?? { assigned: taskId };
  },
  close: async (event) => {
    const user = consoleUser(event.locals);
    const form = await event.request.formData();
    const taskId = field(form, 'taskId');
    const file = form.get('photo');
    const photo =
      file instanceof File && file.size > 0 ? new Uint8Array(await file.arrayBuffer()) : null;
    const refused = await attempt(
      async () =>
        closeUnfounded(await app(), user, taskId, field(form, 'reason'), photo, clientIp(event)),
      taskId,
    );
    return refused ?? { closed: taskId };
  },
};
