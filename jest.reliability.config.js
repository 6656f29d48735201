/**
 * The reliability suite: crash consistency, concurrency, store faults, fuzzing and security, run
 * against the built engine as a child process. `RELIABILITY_BUDGET=ci` bounds it for CI.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.rel.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/reliability/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/reliability/support/global-teardown.ts',
  // Each file starts engines and a PostgreSQL load of its own: one at a time keeps kill timing and figures honest on a shared machine.
  maxWorkers: 1,
  testTimeout: 600_000,
  // A failed run can leave a workload client polling a dead engine until its deadline: CI must not wait on it.
  forceExit: true,
};
