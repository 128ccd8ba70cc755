export { buildPoller, createPollerService, DEFAULT_POLLER_OPTIONS, type PollerDeps, type PollerOptions, type PollerService, type PollerTickReport } from './app.js';
export { loadPollerConfig, pollerConfigSchema, type PollerConfig } from './config.js';
export { createPollerClients, createSandboxPollerClients, type PollerClient, type PollerClients, type SandboxClientsOptions } from './poller.clients.js';
export { DEFAULT_CADENCE, nextPoll, type CadenceDecision, type CadencePolicy, type ShipmentPollState } from './domain/cadence.js';
