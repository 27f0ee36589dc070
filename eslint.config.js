// Lint: typescript-eslint strict and type-aware, plus rules that hold Accord's architecture in place.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noEdges = {
  group: ['**/web/**', '**/cli/**', '../web', '../cli'],
  message: 'Domain modules must not import the web or CLI edges.',
};
const noFastify = { group: ['fastify', '@fastify/*'], message: 'Only src/web knows Fastify.' };
const noDriver = {
  name: 'pg',
  message: 'Only src/store talks to the SQL driver; use the Database interface.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.accord/**', 'coverage/**', 'scratch/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-console': 'off',
      // Fastify plugins and handlers are async by contract even when they await nothing.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain JavaScript (browser assets, the bin shim that loads the compiled CLI): no type information.
    files: ['src/web/assets/**/*.js', 'bin/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false },
      globals: { document: 'readonly', window: 'readonly', process: 'readonly' },
    },
  },
  {
    // Arrows point inwards: domain parts never import the HTTP or CLI edges, and only src/store knows the SQL driver.
    files: [
      'src/core/**',
      'src/partnership/**',
      'src/access/**',
      'src/synthetic/**',
      'src/identity/**',
      'src/governance/**',
      'src/money/**',
      'src/record/**',
      'src/population/**',
      'src/carers/**',
      'src/workforce/**',
      'src/outcomes/**',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: [noDriver], patterns: [noEdges, noFastify] }] },
  },
  {
    files: ['src/store/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noEdges, noFastify] }] },
  },
  {
    files: ['src/web/**', 'src/cli/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noDriver] }] },
  },
  {
    files: ['**/*.test.ts', 'test/**', 'bench/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // vitest's asymmetric matchers (expect.stringMatching, expect.any…) are typed `any` by design.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
