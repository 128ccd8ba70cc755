import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { appendAudit, findActiveApiKeyByHash, touchApiKey, type Database } from '@parcelwatch/db';
import type { Logger } from '@parcelwatch/logger';
import { ACCESS_OFF_CALLER, OPERATOR_CALLER, type AuditRecorder, type Caller } from './access.js';
import type { Clock } from '@parcelwatch/service-kit';
import { apiKeyPrefix, hashApiKey, presentedKey } from './api-key.js';
import { accessFor, ROUTE_POLICY, type Access, type PolicyRule } from './route-policy.js';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimits } from './rate-limiter.js';

export interface AccessOptions {
  /** Default true. Off only where every caller is trusted (a test of a route alone). */
  enabled: boolean;
  /** Default: DEFAULT_RATE_LIMITS; false turns rate limiting off. */
  rateLimits?: RateLimits | false;
  /** Default: ROUTE_POLICY. */
  policy?: readonly PolicyRule[];
  /**
   * SHA-256 (hex, hashApiKey) of the deployment's bootstrap admin key (PARCELWATCH_BOOTSTRAP_ADMIN_KEY):
   * a request presenting it is the operator. Absent: no request is.
   */
  bootstrapKeyHash?: string;
}

export interface AccessLayerDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  options: AccessOptions;
  rateLimits: RateLimits | false;
}

/** A key's last_used_at is written at most this often from one process. */
const TOUCH_INTERVAL_MS = 60_000;

function deny(reply: FastifyReply, status: 401 | 403, message: string): FastifyReply {
  return reply.code(status).send({ error: status === 401 ? 'unauthorized' : 'forbidden', message });
}

/**
 * Installs the access layer: an onRequest hook that authenticates the API key, sets
 * `request.caller` (service-kit's seam), checks the route policy and rate limits, and puts the
 * audit recorder on every request. Install it before any route so every route gets it.
 */
export function installAccessLayer(app: FastifyInstance, deps: AccessLayerDeps): void {
  const policy = deps.options.policy ?? ROUTE_POLICY;
  const limiter = new RateLimiter(deps.clock);
  const lastTouched = new Map<string, number>();
  const recorder: AuditRecorder = (entry, executor) =>
    appendAudit(executor ?? deps.db, {
      at: deps.clock.now().toJSDate(),
      actor: entry.actor,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      merchantId: entry.merchantId,
      details: entry.details ?? {},
    });

  /** Answers 429 and returns false when `bucket` is out of tokens. */
  function withinLimit(request: FastifyRequest, reply: FastifyReply, bucket: string, webhook = false): boolean {
    if (deps.rateLimits === false) return true;
    const read = request.method === 'GET' || request.method === 'HEAD';
    const limit = webhook ? deps.rateLimits.webhooksPerMinute : read ? deps.rateLimits.readsPerMinute : deps.rateLimits.writesPerMinute;
    const decision = limiter.take(`${webhook ? 'webhook' : read ? 'read' : 'write'}:${bucket}`, limit);
    if (decision.allowed) return true;
    void reply
      .code(429)
      .header('retry-after', String(decision.retryAfterSeconds))
      .send({ error: 'rate_limited', message: `too many requests (limit ${limit} a minute); retry after ${decision.retryAfterSeconds} s` });
    return false;
  }

  async function touch(keyId: string): Promise<void> {
    const now = deps.clock.now().toMillis();
    if (now - (lastTouched.get(keyId) ?? -Infinity) < TOUCH_INTERVAL_MS) return;
    lastTouched.set(keyId, now);
    if (lastTouched.size > 10_000) lastTouched.clear();
    try {
      await touchApiKey(deps.db, keyId, new Date(now));
    } catch (err) {
      // Usage bookkeeping must not fail the request it describes.
      deps.logger.warn({ err, keyId }, 'could not record api key use');
    }
  }

  app.decorateRequest('caller', undefined);
  app.decorateRequest('auditRecorder', undefined);
  app.addHook('onRequest', async (request, reply) => {
    request.auditRecorder = recorder;
    const pattern = request.routeOptions.url;
    // No route: the not-found handler answers 404 (an unknown URL reveals nothing to protect).
    if (pattern === undefined) return;
    const access = accessFor(request.method, pattern, policy);
    if (access === 'open') {
      if (pattern.startsWith('/v1/webhooks/')) {
        const provider = (request.params as { provider?: string }).provider ?? pattern;
        if (!withinLimit(request, reply, `${provider}:${request.ip}`, true)) return reply;
        return;
      }
      // Probes answer from memory and an orchestrator must never see 429 from them.
      if (pattern === '/healthz' || pattern === '/readyz') return;
      // Dashboard, openapi, metrics and signed blob links: no key, so the address pays.
      if (!withinLimit(request, reply, `ip:${request.ip}`)) return reply;
      return;
    }
    if (!deps.options.enabled) {
      request.caller = ACCESS_OFF_CALLER;
      if (!withinLimit(request, reply, `ip:${request.ip}`)) return reply;
      return;
    }
    const key = presentedKey(request.headers);
    if (key === null) {
      if (!withinLimit(request, reply, `ip:${request.ip}`)) return reply;
      return deny(reply, 401, 'this route needs an API key: send "Authorization: Bearer <key>" or "x-api-key: <key>"');
    }
    if (isBootstrapKey(key, deps.options.bootstrapKeyHash)) {
      request.caller = OPERATOR_CALLER;
      if (!withinLimit(request, reply, `key:${OPERATOR_CALLER.keyId}`)) return reply;
      return checkPolicy(request, reply, access, OPERATOR_CALLER, OPERATOR_CALLER.name);
    }
    const row = apiKeyPrefix(key) === null ? undefined : await findActiveApiKeyByHash(deps.db, hashApiKey(key));
    if (row === undefined) {
      // Failed attempts count against the client's address, so guessing keys is slow too.
      if (!withinLimit(request, reply, `ip:${request.ip}`)) return reply;
      return deny(reply, 401, 'the API key is unknown, malformed or revoked');
    }
    const caller: Caller = { keyId: row.id, name: row.name, role: row.role, merchantIds: row.merchant_ids };
    request.caller = caller;
    if (!withinLimit(request, reply, `key:${row.id}`)) return reply;
    await touch(row.id);
    return checkPolicy(request, reply, access, caller, row.prefix);
  });
}

/** Denies (403) unless the policy's access for the route includes the caller's role; `shownAs` names the key. */
function checkPolicy(request: FastifyRequest, reply: FastifyReply, access: Access | null, caller: Caller, shownAs: string): FastifyReply | undefined {
  const pattern = request.routeOptions.url ?? request.url;
  if (access === null) {
    return deny(reply, 403, `${request.method} ${pattern} is not in the access policy, so no key may call it`);
  }
  if (access === 'open' || access.includes(caller.role)) return undefined;
  return deny(reply, 403, `${request.method} ${pattern} needs a key with role ${access.join(' or ')}; this key (${shownAs}) has role ${caller.role}`);
}

/** Compares hashes, in constant time, so the comparison says nothing about how much of the key matched. */
function isBootstrapKey(key: string, bootstrapKeyHash: string | undefined): boolean {
  if (bootstrapKeyHash === undefined) return false;
  return timingSafeEqual(Buffer.from(hashApiKey(key), 'hex'), Buffer.from(bootstrapKeyHash, 'hex'));
}

/**
 * A service's own HTTP routes behind the access layer: `routes` for runService/createHealthServer
 * that installs the layer (the api's keys, ROUTE_POLICY and rate limits) before registering
 * `register`'s routes. Compensation, notifier and archiver serve their admin routes this way on
 * their own ports, so a distributed deployment enforces the same access as `parcelwatch start`.
 */
export function withAccessLayer(deps: Omit<AccessLayerDeps, 'options' | 'rateLimits'> & { options?: AccessOptions }, register: (app: FastifyInstance) => void): (app: FastifyInstance) => void {
  const options = deps.options ?? { enabled: true };
  return (app) => {
    installAccessLayer(app, { ...deps, options, rateLimits: options.rateLimits ?? DEFAULT_RATE_LIMITS });
    app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}` }));
    register(app);
  };
}
