/**
 * Three projects: `unit` (pure rules), `embedded` (the API over HTTP on the
 * embedded PostgreSQL), and `postgres` (the same API tests on a PostgreSQL
 * server, when TEST_DATABASE_URL names one). Every API suite gets its own
 * throwaway database.
 */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const api = (kind) => ({
  displayName: kind,
  transform,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/api/**/*.test.ts'],
  globalSetup: `<rootDir>/test/helpers/global-setup-${kind}.ts`,
  globalTeardown: `<rootDir>/test/helpers/global-teardown-${kind}.ts`,
  globals: { TEST_DATABASE_KIND: kind },
});

module.exports = {
  testTimeout: 60_000,
  projects: [
    { displayName: 'unit', transform, testEnvironment: 'node', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    api('embedded'),
    ...(process.env.TEST_DATABASE_URL ? [api('postgres')] : []),
  ],
};
