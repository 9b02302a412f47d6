// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noSrc = { group: ['@shotfarm/*/src', '@shotfarm/*/src/*'], message: 'Import the package entry, not its src/.' };

// Package boundaries (README "Package boundaries"). The API and the workers meet only through contracts in
// `@shotfarm/shared`; each rule also closes the relative-path way round it. `boundary-rules.test.ts` lints a wrong
// import of each kind through ESLint's Node API and expects it refused.
/** Workers run on hosts with Redis and object storage only: they never open the database. */
const workerNoDb = {
  group: ['@shotfarm/shared/db', '@shotfarm/shared/db/*', '**/shared/src/db', '**/shared/src/db/*'],
  message: 'Workers never open the database: talk to the API through queue contracts in @shotfarm/shared.',
};
/** Studio product code: no worker code in the API process (the launcher starts workers by entry-point name). */
const apiNoWorkers = {
  group: ['@shotfarm/render-worker', '@shotfarm/render-worker/*', '@shotfarm/scorer/*', '!@shotfarm/scorer/models',
    '**/render-worker/src/**', '**/scorer/src/**'],
  message: 'The API does not load worker code: put what both sides need in @shotfarm/shared (only @shotfarm/scorer/models, the shipped model files, is allowed).',
};
/** Studio tests may start in-process workers, but only through the workers' entry points. */
const testsWorkerEntriesOnly = {
  group: ['@shotfarm/render-worker/*', '@shotfarm/scorer/*', '!@shotfarm/scorer/models', '**/render-worker/src/**', '**/scorer/src/**'],
  message: 'Tests start workers through their entry points (@shotfarm/render-worker, @shotfarm/scorer), not their internals.',
};
/** The browser gets schemas and types only. */
const webSharedOnly = {
  group: ['@shotfarm/*', '!@shotfarm/shared', '@shotfarm/shared/*', 'node:*', '**/shared/src/**', '**/server/src/**'],
  message: 'Browser: import only @shotfarm/shared (schemas, contracts, error codes).',
};
/** Patterns cannot re-include a subpath of a package they exclude, so the scorer's root is refused by name. */
const apiNoScorerRoot = { name: '@shotfarm/scorer', message: apiNoWorkers.message };
const studioTests = ['studio/server/test/**', 'studio/server/**/*.test.ts'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.shotfarm/**', 'studio/web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [noSrc] }],
    },
  },
  {
    files: ['render-worker/**', 'scorer/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noSrc, workerNoDb] }] },
  },
  {
    files: ['studio/server/**'],
    ignores: studioTests,
    rules: { 'no-restricted-imports': ['error', { paths: [apiNoScorerRoot], patterns: [noSrc, apiNoWorkers] }] },
  },
  {
    files: studioTests,
    rules: { 'no-restricted-imports': ['error', { patterns: [noSrc, testsWorkerEntriesOnly] }] },
  },
  {
    // Node build scripts opt out by a disable comment; the web's own tests may read the server's error table
    // to check the messages cover every code.
    files: ['studio/web/**'],
    ignores: ['studio/web/src/**/*.test.ts', 'studio/web/src/**/*.test.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noSrc, webSharedOnly] }] },
  },
);
