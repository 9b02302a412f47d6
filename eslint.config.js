// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noSrc = { group: ['@shotfarm/*/src', '@shotfarm/*/src/*'], message: 'Import the package entry, not its src/.' };

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
    files: ['studio/web/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noSrc,
        { group: ['@shotfarm/shared/db', '@shotfarm/shared/storage', '@shotfarm/shared/queue', '@shotfarm/shared/config', 'node:*'], message: 'Browser: schemas only.' }] }],
    },
  },
);
