// Lint rules the type checker cannot hold: module boundaries, focused or skipped tests, TypeScript hygiene.
import js from '@eslint/js';
import importPlugin from 'eslint-plugin-import';
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';

const APPS = ['engine', 'fulfillment-api', 'ondc-logistics-adapter', 'ondc-sandbox', 'projector'];

/** A lib is imported by its entry point (`@fulfil/name`, or a public subpath it declares), never by a path into it. */
const deepImports = {
  group: ['@fulfil/*/*', '!@fulfil/event-store/testing', '**/libs/*/src/**', '../../*/src/**', '../../../*/src/**'],
  message: 'Import a lib by its entry point (@fulfil/<lib>), not a path inside it.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      'import/no-duplicates': 'error',
      'import/first': 'error',
      'import/no-self-import': 'error',
      'import/no-useless-path-segments': 'error',
      // Business rules stay framework-free; apps wire them and never reach into one another.
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './libs', from: './apps', message: 'A lib never imports an app.' },
            ...APPS.filter((app) => app !== 'engine').map((app) => ({
              target: `./apps/${app}`,
              from: './apps',
              except: [`./${app}`],
              message: 'An app never imports another app; shared code belongs in a lib.',
            })),
          ],
        },
      ],
      // pdfmake and bwip-js export CommonJS values whose methods an ES namespace import would lose.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^pdfmake$', '^bwip-js$'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests and benchmarks may reach inside a lib to prove its parts; libs and apps may not.
    files: ['apps/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [deepImports] }] },
  },
  {
    // Only the all-in-one engine composes the other apps' modules into one process.
    files: ['libs/**/*.ts', ...APPS.filter((app) => app !== 'engine').map((app) => `apps/${app}/**/*.ts`)],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [deepImports],
          paths: ['@fulfil/fulfillment-api', '@fulfil/ondc-sandbox', '@fulfil/ondc-logistics-adapter'].map((name) => ({ name, message: 'An app never imports another app; shared code belongs in a lib.' })),
        },
      ],
    },
  },
  {
    // No focused or skipped test reaches main; titles and expectations are well formed.
    files: ['test/**/*.ts', 'libs/*/src/**/*.spec.ts', 'libs/*/src/testing/**/*.ts'],
    plugins: { jest },
    languageOptions: { globals: jest.environments.globals.globals },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/no-identical-title': 'error',
      'jest/no-test-prefixes': 'error',
      'jest/valid-expect': 'error',
      'jest/valid-describe-callback': 'error',
    },
  },
  {
    // The seller console runs in the browser and reaches the engine only over its public HTTP API.
    files: ['apps/console/**/*.ts', 'apps/console/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@fulfil/*', '**/libs/**', '../../*/src/**', '../../../*/src/**'], message: 'The console talks to the engine over HTTP only; it imports no lib or app.' }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', URL: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
