/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The backend serves dist/ at the site root with an SPA fallback, on the same origin as /webhook/*.
// In development, the API runs separately; the dev server forwards its routes.
// Node's process, declared here to avoid pulling @types/node for one line.
declare const process: { env: Record<string, string | undefined> };
const apiTarget = process.env.WIBOT_API_URL ?? 'http://127.0.0.1:5099';
// `@/x` is `src/x` (the same mapping as tsconfig.json's "paths"; Vitest uses this config too).
const srcDir = decodeURIComponent(new URL('./src/', import.meta.url).pathname);

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  resolve: {
    alias: [{ find: /^@\//, replacement: srcDir }],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      // Mantine marks its modules "use client" (for React Server Components); meaningless in an SPA.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('"use client"')) return;
        warn(warning);
      },
      output: {
        // Libraries change less often than the application: separate chunks stay cached across releases.
        manualChunks: (id: string) => {
          if (!id.includes('node_modules')) return undefined;
          if (/node_modules\/(react|react-dom|scheduler)\//.test(id)) return 'react';
          if (id.includes('@mantine/') || id.includes('@floating-ui/')) return 'mantine';
          if (id.includes('@tanstack/')) return 'query';
          return undefined;
        },
      },
    },
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
    // Logic tests run in node; component tests (*.test.tsx) ask for jsdom in their first line.
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
  },
});
