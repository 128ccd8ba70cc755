// Shared jest settings: TypeScript through swc as native ESM, and workspace
// packages resolved to their sources so tests never need a build first.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(fileURLToPath(import.meta.url));

export const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
      sourceMaps: 'inline',
    },
  ],
};

export const moduleNameMapper = {
  '^@parcelwatch/migrations$': `${root}/migrations/index.ts`,
  '^@parcelwatch/test-harness$': `${root}/test/harness/index.ts`,
  '^@parcelwatch/([a-z-]+)/testing$': `${root}/packages/$1/src/testing.ts`,
  '^@parcelwatch/([a-z-]+)$': [`${root}/packages/$1/src/index.ts`, `${root}/services/$1/src/index.ts`],
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

/**
 * In every test process: connections to anything but loopback are refused, and a test file during
 * which one was tried fails (test/harness/loopback-guard.mjs).
 */
export const loopbackOnly = {
  setupFiles: [`${root}/test/harness/loopback-guard.mjs`],
  setupFilesAfterEnv: [`${root}/test/harness/loopback-check.ts`],
};

/** Unit tests of one workspace: no I/O beyond the process, no harness. */
export function unitConfig(dir) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform,
    moduleNameMapper,
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.int\\.test\\.ts$'],
    ...loopbackOnly,
    passWithNoTests: false,
    // Unit tests may boot PGlite (a WASM PostgreSQL): seconds on a loaded 2-core machine.
    testTimeout: 60_000,
  };
}
