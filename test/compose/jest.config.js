// Unit tests of the deployment files (docker-compose.yml, Dockerfile): pure file parsing, no Docker.
// Run: NODE_OPTIONS='--experimental-vm-modules --disable-warning=ExperimentalWarning' npx jest -c test/compose/jest.config.js
import { unitConfig } from '../../jest.base.js';

export default { ...unitConfig(import.meta.dirname), testMatch: ['<rootDir>/*.test.ts'] };
