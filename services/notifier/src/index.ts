export { createNotifierService, type NotifierDeps } from './app.js';
