export { createApiService, type ApiDeps } from './app.js';
