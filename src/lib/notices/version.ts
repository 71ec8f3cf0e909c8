/**
 * The version new documents are issued under (`content.ts` keeps every version ever issued). On
 * its own so the phone's start-up code can name it without loading the templates.
 */
export const TEMPLATE_VERSION = '2';
