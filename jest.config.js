/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // starts the shared redis-server for the Redis suites (and builds dist/ for the multi-process ones)
  globalSetup: '<rootDir>/tests/util/globalSetup.ts',
  globalTeardown: '<rootDir>/tests/util/globalTeardown.ts',
  setupFilesAfterEnv: ['<rootDir>/tests/util/setup.ts'],
  // ts-jest type-checks every test file; 151002 only says node16 'module' prefers isolatedModules
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }] },
  collectCoverageFrom: ['lib/**/*.ts'],
  testTimeout: 20000
}
