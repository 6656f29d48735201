/** Test tiers by file suffix: *.unit.spec.ts (pure), *.int.spec.ts (real stores), *.e2e.spec.ts (whole apps). */
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swcrc.$schema;
swcrc.jsc.baseUrl = __dirname;

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  // The reliability suite (`npm run test:reliability`, jest.reliability.config.js) runs on its own.
  testPathIgnorePatterns: ['/node_modules/', '\\.rel\\.spec\\.ts$'],
  transform: { '^.+\\.(ts|js)$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  // A few dependencies ship only ES modules, which Jest's CommonJS runtime cannot require: compile those too.
  transformIgnorePatterns: ['^(?!.*/node_modules/content-disposition/).*/node_modules/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Names the run, so suites needing the built engine share one build.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
