import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The browser UI. `npm run build:web` writes web/dist, which `foedus serve`
// serves at `/`. `npx vite --config web/vite.config.ts` runs a dev server that
// proxies the API to a running Foedus (FOEDUS_URL, default http://127.0.0.1:3000).
const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.FOEDUS_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
  },
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/healthz': api,
      '/readyz': api,
    },
  },
});
