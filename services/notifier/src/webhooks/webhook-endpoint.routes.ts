import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '@parcelwatch/contracts';
import type { Database, WebhookDelivery, WebhookEndpoint } from '@parcelwatch/db';
import type { Transaction } from 'kysely';
import { canAccessMerchant, recordAudit, type AuditEvent } from '@parcelwatch/access';
import { checkOutboundUrl, type OutboundAllowList } from '@parcelwatch/outbound';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { WebhookAdmin } from './webhook-admin.js';

/*
 * Admin routes for merchant webhook endpoints, behind the api's access layer (issue 7: admin
 * keys only, by the api's route policy). A merchant outside the key is refused (403) where the
 * request names it, and another merchant's endpoint answers 404 as if it did not exist. Every
 * change is written to the audit log (never the secret).
 */
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2000)
  .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
const eventTypes = z.array(z.string().regex(/^parcelwatch\.[a-z0-9_.]+\.v\d+$/, 'must be an event type like parcelwatch.shipment.milestone_reached.v1')).min(1).max(100);
const createBody = z.strictObject({ merchantId: z.uuid(), url: httpUrl, eventTypes: eventTypes.nullable().optional() });
const patchBody = z
  .strictObject({ url: httpUrl.optional(), eventTypes: eventTypes.nullable().optional() })
  .refine((body) => body.url !== undefined || body.eventTypes !== undefined, 'give url or eventTypes (or both)');
const idParams = z.object({ id: z.uuid() });
const listQuery = z.object({ merchantId: z.uuid() });
const deliveriesQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  shipmentId: z.uuid().optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const replayBody = z
  .strictObject({ since: z.iso.datetime({ offset: true }), until: z.iso.datetime({ offset: true }).optional(), shipmentId: z.uuid().optional() })
  .refine((body) => body.until === undefined || Date.parse(body.until) > Date.parse(body.since), { message: 'until must be after since', path: ['until'] });

export function endpointView(row: WebhookEndpoint) {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    url: row.url,
    eventTypes: row.event_types,
    status: row.status,
    consecutiveFailures: row.consecutive_failures,
    disabledAt: row.disabled_at?.toISOString() ?? null,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function deliveryView(row: WebhookDelivery) {
  return {
    id: row.id,
    seq: row.seq,
    endpointId: row.endpoint_id,
    shipmentId: row.shipment_id,
    sourceEventId: row.source_event_id,
    eventType: row.event_type,
    occurredAt: row.occurred_at.toISOString(),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    // A status class and a failure kind only: never what the receiver said.
    lastStatusClass: row.last_status_code === null ? null : `${String(row.last_status_code).charAt(0)}xx`,
    lastError: row.last_error,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    replayOf: row.replay_of,
    bodySha256: row.body_sha256.trim(),
    payload: JSON.parse(row.body) as unknown,
    createdAt: row.created_at.toISOString(),
  };
}

function invalid(reply: FastifyReply, error: z.ZodError) {
  return reply.code(400).send({ error: 'invalid_request', message: error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') });
}

const notFound = (reply: FastifyReply, id: string) => reply.code(404).send({ error: 'not_found', message: `no webhook endpoint ${id}` });

function isForeignKeyViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23503';
}

/**
 * A URL the notifier would refuse to send to is refused when registered: other schemes,
 * credentials, an address outside the allow-list however it is spelled, `localhost`. A name is
 * checked again after DNS at every attempt (what it resolves to can change).
 */
function refusedUrl(reply: FastifyReply, url: string | undefined, allow: OutboundAllowList) {
  if (url === undefined) return null;
  const check = checkOutboundUrl(url, allow);
  if (check.ok) return null;
  return reply.code(422).send({ error: 'url_not_allowed', message: `url: ${check.reason}; webhooks go to public addresses only (an operator can allow others with PARCELWATCH_OUTBOUND_ALLOW)` });
}

const foreignMerchant = (reply: FastifyReply, merchantId: string) =>
  reply.code(403).send({ error: 'forbidden', message: `this API key is not scoped to merchant ${merchantId}` });

/** The audit entry, written in the change's transaction `trx`: both commit or neither. */
function audit(request: FastifyRequest, trx: Transaction<Database>, action: string, row: WebhookEndpoint, details: AuditEvent['details'] = {}) {
  return recordAudit(request, { action: `webhook_endpoint.${action}`, targetType: 'webhook_endpoint', targetId: row.id, merchantId: row.merchant_id, details }, trx);
}

export function registerWebhookEndpointRoutes(app: FastifyInstance, admin: WebhookAdmin, allow: OutboundAllowList): void {
  /** The endpoint when it exists and the caller may see its merchant; else undefined (answer 404). */
  async function visible(request: FastifyRequest, id: string): Promise<WebhookEndpoint | undefined> {
    const row = await admin.get(id);
    return row !== undefined && canAccessMerchant(request, row.merchant_id) ? row : undefined;
  }

  app.post('/v1/webhook-endpoints', async (request, reply) => {
    const body = createBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    if (!canAccessMerchant(request, body.data.merchantId)) return foreignMerchant(reply, body.data.merchantId);
    const refused = refusedUrl(reply, body.data.url, allow);
    if (refused !== null) return refused;
    try {
      const row = await admin.inTransaction(async (tx, trx) => {
        const created = await tx.create({ merchantId: body.data.merchantId, url: body.data.url, eventTypes: body.data.eventTypes ?? null });
        await audit(request, trx, 'created', created, { url: created.url, eventTypes: created.event_types });
        return created;
      });
      // The only time the secret is shown; rotate it if it is lost.
      return reply.code(201).send({ ...endpointView(row), secret: row.secret });
    } catch (err) {
      if (isForeignKeyViolation(err)) return reply.code(422).send({ error: 'unknown_merchant', message: `no merchant ${body.data.merchantId}` });
      throw err;
    }
  });

  app.get('/v1/webhook-endpoints', async (request, reply) => {
    const query = listQuery.safeParse(request.query);
    if (!query.success) return invalid(reply, query.error);
    if (!canAccessMerchant(request, query.data.merchantId)) return foreignMerchant(reply, query.data.merchantId);
    return reply.send({ items: (await admin.list(query.data.merchantId)).map(endpointView) });
  });

  app.get('/v1/webhook-endpoints/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const row = await visible(request, params.data.id);
    return row === undefined ? notFound(reply, params.data.id) : reply.send(endpointView(row));
  });

  app.patch('/v1/webhook-endpoints/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const body = patchBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    if ((await visible(request, params.data.id)) === undefined) return notFound(reply, params.data.id);
    const refused = refusedUrl(reply, body.data.url, allow);
    if (refused !== null) return refused;
    const row = await admin.inTransaction(async (tx, trx) => {
      const updated = await tx.update(params.data.id, body.data);
      if (updated !== undefined) await audit(request, trx, 'updated', updated, { url: updated.url, eventTypes: updated.event_types });
      return updated;
    });
    if (row === undefined) return notFound(reply, params.data.id);
    return reply.send(endpointView(row));
  });

  app.delete('/v1/webhook-endpoints/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    if ((await visible(request, params.data.id)) === undefined) return notFound(reply, params.data.id);
    const row = await admin.inTransaction(async (tx, trx) => {
      const deleted = await tx.remove(params.data.id);
      if (deleted !== undefined) await audit(request, trx, 'deleted', deleted, { url: deleted.url });
      return deleted;
    });
    if (row === undefined) return notFound(reply, params.data.id);
    return reply.send(endpointView(row));
  });

  app.post('/v1/webhook-endpoints/:id/enable', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    if ((await visible(request, params.data.id)) === undefined) return notFound(reply, params.data.id);
    const result = await admin.inTransaction(async (tx, trx) => {
      const enabled = await tx.enable(params.data.id);
      if (enabled !== undefined) await audit(request, trx, 'enabled', enabled.endpoint, { dueNow: enabled.dueNow });
      return enabled;
    });
    if (result === undefined) return notFound(reply, params.data.id);
    return reply.send({ ...endpointView(result.endpoint), dueNow: result.dueNow });
  });

  app.post('/v1/webhook-endpoints/:id/rotate-secret', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    if ((await visible(request, params.data.id)) === undefined) return notFound(reply, params.data.id);
    const row = await admin.inTransaction(async (tx, trx) => {
      const rotated = await tx.rotateSecret(params.data.id);
      if (rotated !== undefined) await audit(request, trx, 'secret_rotated', rotated);
      return rotated;
    });
    if (row === undefined) return notFound(reply, params.data.id);
    return reply.send({ ...endpointView(row), secret: row.secret });
  });

  app.get('/v1/webhook-endpoints/:id/deliveries', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const query = deliveriesQuery.safeParse(request.query);
    if (!query.success) return invalid(reply, query.error);
    if ((await visible(request, params.data.id)) === undefined) return notFound(reply, params.data.id);
    const { cursor, ...filter } = query.data;
    const rows = await admin.deliveries(params.data.id, { ...filter, ...(cursor === undefined ? {} : { afterSeq: cursor }) });
    if (rows === undefined) return notFound(reply, params.data.id);
    const last = rows.at(-1);
    return reply.send({ items: rows.map(deliveryView), nextCursor: rows.length === filter.limit && last ? String(last.seq) : null });
  });

  app.post('/v1/webhook-endpoints/:id/replay', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const body = replayBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    const endpoint = await visible(request, params.data.id);
    if (endpoint === undefined) return notFound(reply, params.data.id);
    const count = await admin.inTransaction(async (tx, trx) => {
      const replayed = await tx.replay(params.data.id, {
        since: new Date(body.data.since),
        until: body.data.until === undefined ? null : new Date(body.data.until),
        ...(body.data.shipmentId === undefined ? {} : { shipmentId: body.data.shipmentId }),
      });
      if (replayed !== undefined) await audit(request, trx, 'replayed', endpoint, { since: body.data.since, until: body.data.until ?? null, shipmentId: body.data.shipmentId ?? null, replayed });
      return replayed;
    });
    if (count === undefined) return notFound(reply, params.data.id);
    return reply.code(202).send({ replayed: count });
  });
}
