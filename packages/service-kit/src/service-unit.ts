import type { FastifyInstance } from 'fastify';
import type { Logger } from '@parcelwatch/logger';
import type { Clock } from './clock.js';
import type { Service } from './service.js';

/**
 * What a service's build function gets from whoever composes it: its own main.ts, or
 * `parcelwatch start`, which composes every service in one process. Both pass the same config
 * (the service's `src/config.ts`) and the adapters they opened; nothing else reaches inside.
 */
export interface ServiceHost {
  logger: Logger;
  clock: Clock;
  /** Closed in reverse order of registration at shutdown (the composer's lifecycle). */
  onClose(name: string, close: () => Promise<void> | void): void;
}

/** What a build function returns. */
export interface ServiceUnit<S extends Service = Service> {
  service: S;
  /**
   * The service's HTTP routes for ops (approvals, webhook admin, appeal bundles): main.ts serves
   * them on the service's own port behind the access layer; `parcelwatch start` mounts them on the api.
   */
  routes?: (app: FastifyInstance) => void;
  /** Periodic jobs that run beside the service: started after it, stopped before it. */
  jobs?: readonly Service[];
}
