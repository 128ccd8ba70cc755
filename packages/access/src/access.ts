import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditExecutor } from '@parcelwatch/db';

/*
 * Who is calling an HTTP route, as the access layer (API keys) establishes
 * it, and the checks a route makes with it. Routes of other services (compensation approvals,
 * merchant webhook admin, appeal bundles) are registered on the api's fastify instance in
 * `parcelwatch start` and on each service's own port in distributed mode (withAccessLayer); both
 * install the layer. Without a caller the checks fail closed: no merchant, no role. A layer
 * turned off (`enabled: false`, a route tested alone) says so explicitly with ACCESS_OFF_CALLER.
 */

export const ROLES = ['viewer', 'approver', 'admin', 'ingest', 'bot'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The deployment's operator: whoever holds the bootstrap admin key of the api's environment
 * (PARCELWATCH_BOOTSTRAP_ADMIN_KEY). Not a role a stored key can have (ROLES leaves it out, so no
 * key can be issued with it); the route policy names it only on the merchant onboarding routes.
 */
export const OPERATOR = 'operator';
export type Principal = Role | typeof OPERATOR;

/** The caller of the bootstrap admin key; in audit entries its actor is `bootstrap-admin-key`. */
export const OPERATOR_CALLER: Caller = { keyId: 'bootstrap-admin-key', name: 'bootstrap admin key', role: OPERATOR, merchantIds: [] };

export interface Caller {
  keyId: string;
  /** Only ACCESS_OFF_CALLER: every merchant and every role, where the deployment turned access off. */
  unrestricted?: true;
  /** The key's name, for audit entries (never the secret). */
  name: string;
  role: Principal;
  /** The merchants this key may see and act for (none for the operator, who onboards them). */
  merchantIds: readonly string[];
}

/**
 * The caller the access layer sets when it is turned off (`enabled: false`): an explicit grant of
 * everything, so that no caller at all (an open route, a route outside any layer) grants nothing.
 */
export const ACCESS_OFF_CALLER: Caller = { keyId: 'access-off', name: 'access layer turned off', role: 'admin', merchantIds: [], unrestricted: true };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the api's access layer; undefined where there is none. */
    caller?: Caller;
    /** Set by the api's access layer: where `recordAudit` writes. Undefined where there is none. */
    auditRecorder?: AuditRecorder;
  }
}

/** One audit entry as a route describes it; the actor comes from the request. */
export interface AuditEvent {
  /** e.g. compensation.approved, webhook_endpoint.deleted, api_key.created. */
  action: string;
  targetType: string;
  targetId: string;
  merchantId: string | null;
  /** Never secrets (keys, webhook secrets) and never buyer PII. */
  details?: Record<string, unknown>;
}

/** Writes on `executor` when given (the transaction of the change it records), else on its own. */
export type AuditRecorder = (entry: AuditEvent & { actor: string }, executor?: AuditExecutor) => Promise<void>;

export function callerOf(request: FastifyRequest): Caller | null {
  return request.caller ?? null;
}

/** An actor string for audit entries and decisions: `key:<id>`, `bootstrap-admin-key` or `anonymous`. */
export function actorOf(request: FastifyRequest): string {
  const caller = callerOf(request);
  if (caller === null) return 'anonymous';
  return caller.role === OPERATOR || caller.unrestricted === true ? caller.keyId : `key:${caller.keyId}`;
}

/** Whether the caller is the operator (the bootstrap admin key). */
export function isOperator(request: FastifyRequest): boolean {
  return callerOf(request)?.role === OPERATOR;
}

/**
 * Whether the caller may see a merchant's data. Routes answer 404 (not 403) for another
 * merchant's resource, so a key cannot probe which ids exist.
 */
export function canAccessMerchant(request: FastifyRequest, merchantId: string): boolean {
  const caller = callerOf(request);
  if (caller === null) return false;
  return caller.unrestricted === true || caller.merchantIds.includes(merchantId);
}

/** The merchants a query must be limited to: none without a caller; null (no limit) only with access turned off. */
export function merchantScope(request: FastifyRequest): readonly string[] | null {
  const caller = callerOf(request);
  if (caller === null) return [];
  return caller.unrestricted === true ? null : caller.merchantIds;
}

/** Replies 403 with a message and returns false when the caller's role is not one of `roles`. */
export function requireRole(request: FastifyRequest, reply: FastifyReply, roles: readonly Principal[]): boolean {
  const caller = callerOf(request);
  if (caller === null) {
    void reply.code(401).send({ error: 'unauthorized', message: 'this needs an API key' });
    return false;
  }
  if (caller.unrestricted === true || roles.includes(caller.role)) return true;
  void reply.code(403).send({ error: 'forbidden', message: `this needs a key with role ${roles.join(' or ')}; yours is ${caller.role}` });
  return false;
}

/**
 * Appends an audit entry (approvals, admin actions) with the caller as actor, through the
 * recorder the access layer puts on the request. Pass the change's transaction as `executor` so
 * the entry commits with the change or not at all. Without a layer (a route tested alone)
 * nothing is recorded.
 */
export async function recordAudit(request: FastifyRequest, event: AuditEvent, executor?: AuditExecutor): Promise<void> {
  const recorder = request.auditRecorder;
  if (recorder === undefined) return;
  await recorder({ ...event, actor: actorOf(request) }, executor);
}
