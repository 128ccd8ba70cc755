import { OPERATOR, type Principal, type Role } from './access.js';

/*
 * Which roles may call which route, matched on fastify's route pattern (`/compensations/:id/approve`),
 * not the raw URL, so ids and query strings cannot dodge a rule. First match wins. A route that
 * exists but has no rule is denied (403): a new route stays closed until someone decides who
 * may call it. An unknown URL is not a route and answers 404.
 */
export type Access = 'open' | readonly Principal[];

export interface PolicyRule {
  /** Methods this rule covers; '*' for all. HEAD follows GET. */
  methods: readonly string[] | '*';
  /** The route pattern exactly, or a prefix when it ends in '*'. */
  pattern: string;
  access: Access;
}

const READERS: readonly Role[] = ['viewer', 'approver', 'admin'];
const DECIDERS: readonly Role[] = ['approver', 'admin'];
const INGEST: readonly Role[] = ['ingest', 'admin'];
const ADMIN: readonly Role[] = ['admin'];
// The operator may also ask who it is.
const ANY_KEY: readonly Principal[] = [...READERS, 'ingest', 'bot', OPERATOR];
// Chat bots and help desks answering "where is my order" for a merchant's buyers.
const BOTS: readonly Role[] = ['bot', 'admin'];

export const ROUTE_POLICY: readonly PolicyRule[] = [
  { methods: ['GET'], pattern: '/healthz', access: 'open' },
  { methods: ['GET'], pattern: '/readyz', access: 'open' },
  { methods: ['GET'], pattern: '/metrics', access: 'open' },
  // The API's own description: no data in it.
  { methods: ['GET'], pattern: '/openapi.json', access: 'open' },
  // The dashboard's pages and scripts hold no data: every figure is fetched with the user's key.
  { methods: ['GET'], pattern: '/dashboard*', access: 'open' },
  // Proof downloads of the filesystem archive: the URL itself is the credential (HMAC-signed, expiring).
  { methods: ['GET'], pattern: '/v1/blobs/*', access: 'open' },
  // The buyer's tracking pages: the token in the URL is the credential; the lookup asks two factors.
  { methods: ['GET'], pattern: '/t', access: 'open' },
  { methods: ['GET'], pattern: '/t/:token', access: 'open' },
  { methods: ['POST'], pattern: '/t/:token/contact', access: 'open' },
  { methods: ['POST'], pattern: '/t/lookup', access: 'open' },
  // Carrier pushes are signed by the carrier (HMAC per provider), not by an API key.
  { methods: '*', pattern: '/v1/webhooks/*', access: 'open' },
  { methods: ['POST'], pattern: '/v1/shipments', access: INGEST },
  { methods: ['POST'], pattern: '/v1/shipments/import', access: INGEST },
  { methods: ['POST'], pattern: '/v1/shipments/:id/appeal-bundles', access: DECIDERS },
  // A buyer's tracking link: readers see it (to resend it), deciders revoke it or issue a new one.
  { methods: ['POST', 'DELETE'], pattern: '/v1/shipments/:id/tracking-link', access: DECIDERS },
  { methods: ['GET'], pattern: '/v1/shipments*', access: READERS },
  { methods: ['POST'], pattern: '/v1/wismo', access: BOTS },
  // Detection reads no merchant data; any merchant's key may ask (an ingest key before registering).
  { methods: ['POST'], pattern: '/v1/couriers/detect', access: [...READERS, 'ingest'] },
  { methods: ['GET'], pattern: '/v1/reports/*', access: READERS },
  { methods: ['GET'], pattern: '/compensations*', access: READERS },
  { methods: ['POST'], pattern: '/compensations/:id/approve', access: DECIDERS },
  { methods: ['POST'], pattern: '/compensations/:id/reject', access: DECIDERS },
  { methods: ['POST'], pattern: '/compensations/:id/retry', access: DECIDERS },
  { methods: '*', pattern: '/v1/webhook-endpoints*', access: ADMIN },
  { methods: '*', pattern: '/v1/api-keys*', access: ADMIN },
  // Credentials go in here; nothing secret comes out, but who holds which carrier account is an admin's business.
  { methods: '*', pattern: '/v1/carrier-accounts*', access: ADMIN },
  // Who the presented key is and what the policy lets it do (the dashboard hides what it may not).
  { methods: ['GET'], pattern: '/v1/me', access: ANY_KEY },
  { methods: ['GET'], pattern: '/v1/audit-log', access: ADMIN },
  // Dead letters carry original payloads: admins of their merchants (the routes scope them), the operator all.
  { methods: '*', pattern: '/v1/dead-letters*', access: [OPERATOR, ...ADMIN] },
  // Erasing a buyer's personal data cannot be undone: a merchant's admin decides it.
  { methods: ['DELETE'], pattern: '/v1/buyers/:id', access: ADMIN },
  // Onboarding: only the operator (the bootstrap admin key) creates merchants; a merchant's admin
  // reads and updates its own (the routes limit admins to their merchants).
  { methods: ['POST'], pattern: '/v1/merchants', access: [OPERATOR] },
  { methods: ['GET', 'PATCH'], pattern: '/v1/merchants*', access: [OPERATOR, ...ADMIN] },
];

function matches(rule: PolicyRule, method: string, pattern: string): boolean {
  const verb = method === 'HEAD' ? 'GET' : method;
  if (rule.methods !== '*' && !rule.methods.includes(verb)) return false;
  return rule.pattern.endsWith('*') ? pattern.startsWith(rule.pattern.slice(0, -1)) : pattern === rule.pattern;
}

/** The access a route needs; null when no rule covers it (deny). */
export function accessFor(method: string, routePattern: string, policy: readonly PolicyRule[] = ROUTE_POLICY): Access | null {
  return policy.find((rule) => matches(rule, method, routePattern))?.access ?? null;
}
