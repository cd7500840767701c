// ESLint (flat config): typescript-eslint's type-aware rules, the Rules of React (hooks and the
// React Compiler checks), Fast Refresh boundaries. `npm run lint` also runs tools/check-imports.mjs.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import { reactRefresh } from 'eslint-plugin-react-refresh';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  globalIgnores(['dist', 'node_modules', 'src/lib/api-types.ts', 'e2e/screenshots']),
  {
    files: ['src/**/*.{ts,tsx}', 'vite.config.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked, reactHooks.configs.flat.recommended],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Fast Refresh only matters for modules that export components.
    files: ['src/**/*.tsx'],
    ignores: ['src/**/*.test.tsx', 'src/lib/test-utils.tsx'],
    extends: [reactRefresh.configs.vite()],
  },
  {
    files: ['e2e/**/*.mjs', 'tools/**/*.mjs', 'eslint.config.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
]);
