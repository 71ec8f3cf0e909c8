import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/** Bundles bench/client/entry.ts with the app's own client modules for the browser benchmarks. */
export default defineConfig({
  root: resolve(import.meta.dirname),
  // Compiles the runes in the client's .svelte.ts modules (the UI language state).
  plugins: [svelte()],
  resolve: { alias: { $lib: resolve(import.meta.dirname, '../../src/lib') } },
  define: { 'import.meta.env.SSR': 'false' },
  build: {
    outDir: resolve(import.meta.dirname, '../dist'),
    emptyOutDir: true,
    lib: { entry: resolve(import.meta.dirname, 'entry.ts'), formats: ['es'], fileName: 'bench' },
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  worker: { format: 'es' },
});
