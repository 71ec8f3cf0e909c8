// Client-rendered; offline, the service worker answers with the app shell.
export const prerender = false;
