import type { Handle, ServerInit } from '@sveltejs/kit';
import { config, ConfigError } from '$lib/server/config';

export const init: ServerInit = () => {
  try {
    config();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Patrolbook cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
};

export const handle: Handle = async ({ event, resolve }) => {
  event.locals.user = null;
  event.locals.sessionId = null;
  return resolve(event);
};
