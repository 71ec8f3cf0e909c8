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
  },
};

export default config;
