export { createCompensationService, type CompensationDeps } from './app.js';
