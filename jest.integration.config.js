// The integration suite: every *.int.test.ts in the repo, run once against real
// Kafka, PostgreSQL and S3 provided by test/harness (env, testcontainers or local launchers).
import { loopbackOnly, transform, moduleNameMapper } from './jest.base.js';

export default {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  moduleNameMapper,
  testMatch: ['<rootDir>/**/*.int.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/data/'],
  ...loopbackOnly,
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 120_000,
  slowTestThreshold: 30,
};
