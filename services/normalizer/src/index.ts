export { createNormalizerService, type NormalizerDeps } from './app.js';
