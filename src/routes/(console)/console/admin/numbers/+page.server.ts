import { fail } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { requireAdmin } from '$lib/server/console';
import { parseForm } from '$lib/server/forms';
import { clientIp } from '$lib/server/http';
import { formError } from '$lib/server/services/users';
import {
  numberFormatFormSchema,
  numberFormatTable,
  saveNumberFormat,
} from '$lib/server/services/numbers';
import type { Actions, PageServerLoad } from './$types';

/** Document number formats (services/numbers.ts holds the rules; this page reads forms). */

export const load: PageServerLoad = async ({ locals }) => {
  requireAdmin(locals);
  return numberFormatTable((await app()).db);
};

export const actions: Actions = {
  save: async (event) => {
    const admin = requireAdmin(event.locals);
    const parsed = parseForm(numberFormatFormSchema, await event.request.formData());
    if (!parsed.success) return fail(400, { error: formError(parsed.error) });
    const saved = await saveNumberFormat((await app()).db, parsed.data, {
      adminId: admin.id,
      ip: clientIp(event),
    });
    if (!saved) return fail(400, { error: 'console.numbers.noEnforcementBureauHas' });
    return { saved: parsed.data.docType };
  },
};
