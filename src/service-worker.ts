/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, prerendered, version } from '$service-worker';
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';

/**
 * The officer app starts with no network: its shell, code and icons are precached at install.
 * The Chinese font is cached on first use (the app fetches it right after login), so the first
 * notice printed on the street needs no signal. Console pages, the API and the public
 * verification page always go to the network.
 */
declare const self: ServiceWorkerGlobalScope;

const FONT_PREFIX = '/fonts/';

precacheAndRoute([
  ...build.map((url) => ({ url, revision: null })),
  ...files.filter((url) => !url.startsWith(FONT_PREFIX)).map((url) => ({ url, revision: version })),
  ...prerendered.map((url) => ({ url, revision: version })),
]);
cleanupOutdatedCaches();

// Field app navigations get the precached shell: the app routes on the client.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/'), {
    denylist: [/^\/api\//, /^\/console(\/|$)/, /^\/v\//],
  }),
);

const FONT_CACHE = 'patrolbook-fonts';
registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith(FONT_PREFIX),
  new CacheFirst({ cacheName: FONT_CACHE }),
);

/** Keeps the notice font for offline printing; asked for by the app after login. */
async function cacheFont(url: string): Promise<void> {
  const cache = await caches.open(FONT_CACHE);
  if (!(await cache.match(url))) await cache.add(url);
}

// The first install takes control at once, so the page that installed it works offline without
// a reload. Later versions wait until the officer accepts the update (SKIP_WAITING below).
self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  const data = event.data as { type?: string; url?: string } | null;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
  if (data?.type === 'CACHE_FONT' && data.url?.startsWith(FONT_PREFIX))
    event.waitUntil(cacheFont(data.url));
});
