import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Tauri serves ui/dist through its own protocol (frontendDist = ../ui/dist); relative
// asset paths keep the build usable from any base, and nothing is loaded from the network.
// WebKitGTK refuses `crossorigin` module scripts and stylesheets served by Tauri's own
// protocol ("TypeError: Load failed": the responses carry no CORS headers), so the built
// page loads its same-origin assets without the attribute.
const noCrossorigin = {
  name: 'mast-no-crossorigin',
  transformIndexHtml: (html: string) => html.replace(/ crossorigin(="[^"]*")?/g, ''),
};

export default defineConfig({
  plugins: [svelte(), noCrossorigin],
  base: './',
  clearScreen: false,
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No modulepreload polyfill or crossorigin preload links either.
    modulePreload: { polyfill: false },
    // No inline data: URLs for fonts or scripts: the CSP allows 'self' only.
    assetsInlineLimit: 0,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
