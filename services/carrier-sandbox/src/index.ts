export { createCarrierSandboxService, type CarrierSandboxDeps } from './app.js';
