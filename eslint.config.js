// Lint gate. Its architectural rules (after Excalidraw's): the domain
// (charter, incident, response, ledger) and the CAP alerts never import the
// server, the store, the CLI or the web UI; accounts and the store never import
// the server or the CLI; the CLI takes from the server only what starts it.
// Dependencies point inwards.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const outerLayers = ['**/server/**', '**/store/**', '**/cli/**', '**/web/**', 'fastify', 'kysely', 'better-sqlite3', 'pg'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'build/**', 'web/dist/**', 'coverage/**', 'bench/out/**'] },
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
    // CAP alerts are pure (a case in, XML out): the case routes call them, never the other way round.
    files: ['src/alerts/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: outerLayers, message: 'CAP alerts must not import the server, store, CLI or UI: the routes pass them what they need.' }],
      }],
    },
  },
  {
    // Accounts (users, passwords, tokens) serve both the API and the CLI: they know the store, never who calls them.
    files: ['src/accounts/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/server/**', '**/cli/**', '**/web/**', 'fastify'], message: 'Accounts must not import the server, the CLI or the UI: both the API and the CLI use them.' }],
      }],
    },
  },
  {
    files: ['src/store/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/server/**', '**/cli/**', '**/web/**', 'fastify'], message: 'The store must not import the server, the CLI or the UI: dependencies point inwards.' }],
      }],
    },
  },
  {
    // The CLI starts the server (serve, openapi) but takes nothing else from it: shared logic lives in src/accounts, src/import…
    files: ['src/cli/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/server/**', '!**/server/serve.ts', '!**/server/app.ts'], message: 'The CLI may only start the server (src/server/serve.ts, app.ts); account logic is in src/accounts.' }],
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
