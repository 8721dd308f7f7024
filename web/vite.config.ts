import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The MA's web app. `npm run dev` serves it with hot reload and forwards the API to a running
 * medassist server (MEDASSIST_API, default http://127.0.0.1:8080); `vite build` writes web/dist,
 * which the server serves at `/`.
 */
const api = process.env.MEDASSIST_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Libraries in their own chunks: they change less often than the app, so browsers keep them
        // cached across releases. The first screen's budget is 300 KB gzipped in total.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'mantine', test: /node_modules[\\/](@mantine|@floating-ui)[\\/]/ },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/fhir': { target: api, changeOrigin: false },
      '/healthz': { target: api, changeOrigin: false },
      // Sign-in and administration APIs. Anchored patterns: the app's own /administration/... pages must
      // stay with Vite.
      '^/auth/': { target: api, changeOrigin: false },
      '^/admin/': { target: api, changeOrigin: false },
    },
  },
});
