import type { FastifyInstance } from 'fastify';
import { accessFor, callerOf, ROUTE_POLICY, type PolicyRule, type Principal } from '@parcelwatch/access';

/** What a key may do, each named by one route the policy decides it on. */
const ABILITIES = {
  readReports: ['GET', '/v1/reports/stuck'],
  decideCompensations: ['POST', '/compensations/:id/approve'],
  requestAppealBundles: ['POST', '/v1/shipments/:id/appeal-bundles'],
  registerShipments: ['POST', '/v1/shipments'],
  manageApiKeys: ['POST', '/v1/api-keys'],
} as const satisfies Record<string, readonly [string, string]>;

export type Abilities = Record<keyof typeof ABILITIES, boolean>;

/** The abilities of `role` under `policy`; with no role (the access layer off) everything is allowed. */
export function abilitiesOf(role: Principal | null, policy: readonly PolicyRule[] = ROUTE_POLICY): Abilities {
  const entries = Object.entries(ABILITIES).map(([name, [method, pattern]]) => {
    const access = accessFor(method, pattern, policy);
    return [name, role === null || access === 'open' || (access !== null && access.includes(role))];
  });
  return Object.fromEntries(entries) as Abilities;
}

/**
 * `GET /v1/me`: the presented key (id, name, role, merchants; never the secret) and what the
 * route policy lets it do, read from the same rules the access layer enforces. The dashboard
 * uses it to offer only the actions the key may take; the api still refuses the rest.
 */
export function registerCallerRoutes(app: FastifyInstance, policy: readonly PolicyRule[] = ROUTE_POLICY): void {
  app.get('/v1/me', async (request, reply) => {
    const caller = callerOf(request);
    return reply.send({
      key: caller === null ? null : { id: caller.keyId, name: caller.name, role: caller.role, merchantIds: caller.merchantIds },
      may: abilitiesOf(caller?.role ?? null, policy),
    });
  });
}
