export { createDetectorService, type DetectorDeps } from './app.js';
