import { loadLocale } from '$lib/i18n';
import type { LayoutLoad } from './$types';

/** The console's language is loaded before its pages render, on the server and in the browser. */
export const load: LayoutLoad = async ({ data }) => {
  await loadLocale(data.locale);
  return data;
};
