import { fail } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { consoleUser } from '$lib/server/console';
import { clientIp } from '$lib/server/http';
import { importExport } from '$lib/server/services/import';
import type { Actions } from './$types';

const MAX_FILE = 200 * 1024 * 1024;

export const actions: Actions = {
  default: async (event) => {
    const user = consoleUser(event.locals);
    const form = await event.request.formData();
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0)
      return fail(400, { error: 'console.import.chooseFileExportedFrom' });
    if (file.size > MAX_FILE) return fail(413, { error: 'console.import.fileOver200Mb' });
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text()) as unknown;
    } catch {
      return fail(400, { error: 'console.import.fileNotValidJson' });
    }
    const ctx = await app();
    const result = await importExport(ctx, user, parsed, { ip: clientIp(event) });
    if (!result.ok) return fail(400, { error: result.error });
    return { summary: result.summary, results: result.results };
  },
};
