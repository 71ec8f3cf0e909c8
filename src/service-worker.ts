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

// The API, the console and the verification page never need the worker: a static route sends
// them straight to the network (Chrome 123+), so the worker is not even started for them. Besides
// saving a worker hop on every sync request, this keeps the app's own polling from holding the
// outgoing worker busy when the officer accepts an update: the new version activates only once
// the old one has no event in hand.
type StaticRoute = { condition: { urlPattern: string }; source: 'network' };
self.addEventListener('install', (event) => {
  const routes = event as ExtendableEvent & { addRoutes?: (r: StaticRoute[]) => Promise<void> };
  if (!routes.addRoutes) return;
  // Patterns are resolved against the worker's own URL: same origin only.
  const network = (urlPattern: string): StaticRoute => ({
    condition: { urlPattern },
    source: 'network',
  });
  event.waitUntil(
    routes
      .addRoutes(['/api/*', '/console', '/console/*', '/v/*'].map(network))
      .catch((e: unknown) => console.warn('static routes refused', e)),
  );
});

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
