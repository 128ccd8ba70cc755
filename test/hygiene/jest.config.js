// Unit tests of the repository's own test code (test/hygiene): pure file scans, no I/O beyond reading sources.
// Run: NODE_OPTIONS='--experimental-vm-modules --disable-warning=ExperimentalWarning' npx jest -c test/hygiene/jest.config.js
import { unitConfig } from '../../jest.base.js';

export default { ...unitConfig(import.meta.dirname), testMatch: ['<rootDir>/*.test.ts'] };
