// The officer app is a client-rendered shell, prerendered so the service worker can precache it
// and start it with no network.
export const ssr = false;
export const prerender = true;
