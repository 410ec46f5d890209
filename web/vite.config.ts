// The web app's build: React through Vite, output to web/dist with hashed file names under assets/ (served
// as immutable by src/server/web.ts). Routes are split by dynamic import, so the first screen stays small.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The CSP forbids inline scripts and styles; nothing may be inlined as a data: URL script either.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8320' } },
});
