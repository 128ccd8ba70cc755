export { createPollerService, type PollerDeps } from './app.js';
