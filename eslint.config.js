// Lint gate. Its one architectural rule (after Excalidraw's): the domain
// (charter, incident, response, ledger) never imports the server, the store,
// the CLI or the web UI. Dependencies point inwards.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const outerLayers = ['**/server/**', '**/store/**', '**/cli/**', '**/web/**', 'fastify', 'kysely', 'better-sqlite3', 'pg'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'web/dist/**', 'coverage/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/charter/**', 'src/incident/**', 'src/response/**', 'src/ledger/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: outerLayers, message: 'The domain must not import the server, store, CLI or UI: dependencies point inwards.' }],
      }],
    },
  },
  {
    // Repositories work on tables Kysely cannot type without a generated schema; `any` stays inside src/store.
    files: ['src/store/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['web/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
