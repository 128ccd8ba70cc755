export { createArchiverService, type ArchiverDeps } from './app.js';
