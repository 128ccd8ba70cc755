import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { storableStringSchema } from '@parcelwatch/contracts';
import { listAudit } from '@parcelwatch/db';
import { actorOf, merchantScope, ROLES } from '@parcelwatch/access';
import { ApiKeyAdminError, apiKeyView, findKey, issueApiKey, listKeys, revokeKey, type ApiKeyAdminDeps } from './api-key-admin.js';

const createBody = z.strictObject({
  name: storableStringSchema().trim().min(1).max(200),
  role: z.enum(ROLES),
  merchantIds: z.array(z.uuid()).min(1).max(1000),
});
const idParams = z.object({ id: z.uuid() });
const auditQuery = z.object({
  targetType: storableStringSchema().min(1).max(100).optional(),
  targetId: storableStringSchema().min(1).max(200).optional(),
  action: storableStringSchema().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

function invalid(reply: FastifyReply, error: z.ZodError) {
  return reply.code(400).send({ error: 'invalid_request', message: error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') });
}

const notFound = (reply: FastifyReply, id: string) => reply.code(404).send({ error: 'not_found', message: `no api key ${id}` });

/** Key management and the audit log, for admin keys (the route policy says so); all limited to the caller's merchants. */
export function registerApiKeyRoutes(app: FastifyInstance, deps: ApiKeyAdminDeps): void {
  app.post('/v1/api-keys', async (request, reply) => {
    const body = createBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    const scope = merchantScope(request);
    const outside = scope === null ? [] : body.data.merchantIds.filter((id) => !scope.includes(id));
    if (outside.length > 0) {
      return reply.code(403).send({ error: 'forbidden', message: `an admin can only grant its own merchants; this key is not scoped to ${outside.join(', ')}` });
    }
    try {
      const issued = await issueApiKey(deps, { ...body.data, actor: actorOf(request) });
      // The only time the key is shown.
      return reply.code(201).send({ ...apiKeyView(issued.row), key: issued.key });
    } catch (err) {
      if (err instanceof ApiKeyAdminError) return reply.code(422).send({ error: err.code, message: err.message });
      throw err;
    }
  });

  app.get('/v1/api-keys', async (request, reply) => reply.send({ items: (await listKeys(deps, merchantScope(request))).map(apiKeyView) }));

  app.get('/v1/api-keys/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const row = await findKey(deps, params.data.id, merchantScope(request));
    return row === undefined ? notFound(reply, params.data.id) : reply.send(apiKeyView(row));
  });

  app.delete('/v1/api-keys/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const row = await revokeKey(deps, { id: params.data.id, scope: merchantScope(request), actor: actorOf(request) });
    return row === undefined ? notFound(reply, params.data.id) : reply.send(apiKeyView(row));
  });

  app.get('/v1/audit-log', async (request, reply) => {
    const query = auditQuery.safeParse(request.query);
    if (!query.success) return invalid(reply, query.error);
    const rows = await listAudit(deps.db, { ...query.data, merchantIds: merchantScope(request) });
    return reply.send({
      items: rows.map((row) => ({
        id: String(row.id),
        at: row.at.toISOString(),
        actor: row.actor,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        merchantId: row.merchant_id,
        details: row.details,
      })),
    });
  });
}
