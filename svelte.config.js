import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: {
    runes: true,
  },
  kit: {
    adapter: adapter({ out: 'build', precompress: true }),
    // Registered from the page with workbox-window so the update prompt can be controlled.
    serviceWorker: { register: false },
    paths: { relative: false },
    // Cross-site form posts are refused in hooks.server.ts (the same rule as SvelteKit's own
    // check, answered as the API's JSON error on /api/), so the framework's check is off.
    csrf: { trustedOrigins: ['*'] },
    // Scripts only from this origin (SvelteKit adds nonces or hashes for its own inline bootstrap):
    // an injected script in a party's name or an address cannot run. Styles stay inline-capable
    // because Svelte and Chart.js set style attributes; photos and signatures are blob:/data:.
    csp: {
      mode: 'auto',
      directives: {
        'script-src': ['self'],
        'worker-src': ['self', 'blob:'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:', 'blob:'],
        'font-src': ['self', 'data:'],
        'connect-src': ['self', 'blob:', 'data:'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};

export default config;
