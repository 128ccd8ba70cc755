// Unit tests of the benchmark runner's pieces (bench/results.ts): pure, no Kafka or PostgreSQL.
// Run: NODE_OPTIONS='--experimental-vm-modules --disable-warning=ExperimentalWarning' npx jest -c test/bench/jest.config.js
import { unitConfig } from '../../jest.base.js';

export default { ...unitConfig(import.meta.dirname), testMatch: ['<rootDir>/*.test.ts'] };
