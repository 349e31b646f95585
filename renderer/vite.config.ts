// Builds the renderer (Svelte 5) into dist/renderer. The same bundle runs in the
// Electron window (loaded from disk, hence the relative `base`) and in web mode
// (served by main/api/web-server.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: path.resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // No inline <script>: the page's CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
  },
});
