import tseslint from 'typescript-eslint';

const unsafe = [
  '@typescript-eslint/no-unsafe-argument',
  '@typescript-eslint/no-unsafe-assignment',
  '@typescript-eslint/no-unsafe-call',
  '@typescript-eslint/no-unsafe-member-access',
  '@typescript-eslint/no-unsafe-return',
];

export default tseslint.config(
  { ignores: ['dist/', 'dist.*/', 'node_modules/', 'data/', 'coverage/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in src/config.ts only.' }],
    },
  },
  {
    // Nothing typed `any` is read, passed, called or returned: rules that need the types.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      ...Object.fromEntries(unsafe.map((rule) => [rule, 'error'])),
      '@typescript-eslint/no-unsafe-enum-comparison': 'error',
      '@typescript-eslint/no-unsafe-unary-minus': 'error',
    },
  },
  {
    // These API tests still read most GraphQL results as UncheckedData (test/helpers/graphql.ts);
    // every other file, new test files included, is checked.
    files: [
      'auth', 'board', 'current-snapshot', 'embedded-process', 'errors', 'ids', 'input', 'leases', 'limits',
      'listings', 'lookups', 'operations', 'outage', 'playground', 'promotion', 'promotion-concurrency',
      'retention', 'subscriptions',
    ].map((name) => `test/api/${name}.test.ts`),
    rules: { ...Object.fromEntries(unsafe.map((rule) => [rule, 'off'])), '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/config.ts', 'test/**', 'bench/**', 'jest.config.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
