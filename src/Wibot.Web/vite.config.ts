/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The backend serves dist/ at the site root with an SPA fallback, on the same origin as /webhook/*.
// In development, the API runs separately; the dev server forwards its routes.
// Node's process, declared here to avoid pulling @types/node for one line.
declare const process: { env: Record<string, string | undefined> };
const apiTarget = process.env.WIBOT_API_URL ?? 'http://127.0.0.1:5099';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/webhook': { target: apiTarget, changeOrigin: false },
      '/health': { target: apiTarget, changeOrigin: false },
    },
  },
  // `vite preview` (the built dist/) uses the same proxy.
  preview: {
    proxy: {
      '/webhook': { target: apiTarget, changeOrigin: false },
      '/health': { target: apiTarget, changeOrigin: false },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
