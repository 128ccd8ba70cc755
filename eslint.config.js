import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/data/**', 'infra/local/.cache/**', '.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    // Migrations are frozen in time and must not depend on today's Database type (house style).
    files: ['migrations/**/*.ts', 'packages/db/src/migrate.ts', 'packages/db/src/pglite-dialect.ts', 'packages/db/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'services/cli/src/**/*.ts', '**/bench/**/*.ts', 'infra/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Plain Node ESM modules (the test harness's loopback guard, loaded with --import).
    files: ['**/*.mjs'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(['process', 'console', 'URL', 'Buffer', 'globalThis'].map((name) => [name, 'readonly'])),
    },
  },
  {
    // The dashboard's vanilla browser modules (services/api/src/dashboard/assets): browser globals.
    files: ['services/api/src/dashboard/assets/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'fetch', 'URL', 'URLSearchParams', 'FormData', 'Node', 'Element', 'setTimeout', 'Blob'].map((name) => [name, 'readonly']),
      ),
    },
  },
);
