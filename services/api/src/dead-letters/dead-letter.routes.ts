import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { actorOf, isOperator, merchantScope } from '@parcelwatch/access';
import { storableStringSchema } from '@parcelwatch/contracts';
import { findDeadLetter, listDeadLetters, replayDeadLetters, type Database, type DeadLetterView } from '@parcelwatch/db';
import type { Clock } from '@parcelwatch/service-kit';

export interface DeadLetterRouteDeps {
  db: Kysely<Database>;
  clock: Clock;
}

const idParams = z.object({ id: z.coerce.number().int().positive() });
const listQuery = z.object({
  topic: storableStringSchema().min(1).max(249).optional(),
  group: storableStringSchema().min(1).max(255).optional(),
  reason: z.enum(['parse', 'handler']).optional(),
  state: z.enum(['open', 'replayed', 'all']).default('open'),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const replayBody = z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(1000) });

/** The operator sees every letter (those of no merchant too); an admin only its merchants'. */
const scopeOf = (request: FastifyRequest) => (isOperator(request) ? null : merchantScope(request));

function invalid(reply: FastifyReply, error: z.ZodError) {
  return reply.code(400).send({ error: 'invalid_request', message: error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') });
}

export function deadLetterView(letter: DeadLetterView) {
  return {
    ...letter,
    id: String(letter.id),
    failedAt: letter.failedAt.toISOString(),
    replayedAt: letter.replayedAt?.toISOString() ?? null,
    replayOutboxId: letter.replayOutboxId === null ? null : String(letter.replayOutboxId),
  };
}

/**
 * Dead letters for admins (the route policy says so), limited to the caller's merchants (the
 * operator sees every letter, those of no merchant included): list with filters, one with its
 * original payload and headers, and replay onto the source topic, audited, once per letter.
 */
export function registerDeadLetterRoutes(app: FastifyInstance, deps: DeadLetterRouteDeps): void {
  app.get('/v1/dead-letters', async (request, reply) => {
    const query = listQuery.safeParse(request.query);
    if (!query.success) return invalid(reply, query.error);
    const { topic, group, reason, state, before, limit } = query.data;
    const page = await listDeadLetters(deps.db, {
      merchantIds: scopeOf(request),
      state,
      limit,
      ...(topic !== undefined ? { sourceTopic: topic } : {}),
      ...(group !== undefined ? { consumerGroup: group } : {}),
      ...(reason !== undefined ? { reasonKind: reason } : {}),
      ...(before !== undefined ? { before } : {}),
    });
    return reply.send({ items: page.items.map(deadLetterView), nextBefore: page.nextBefore === null ? null : String(page.nextBefore) });
  });

  app.get('/v1/dead-letters/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const letter = await findDeadLetter(deps.db, params.data.id, scopeOf(request));
    if (letter === undefined) return reply.code(404).send({ error: 'not_found', message: `no dead letter ${params.data.id}` });
    return reply.send({ ...deadLetterView(letter), headers: letter.headers, payload: letter.payload, payloadIsJson: letter.payloadIsJson });
  });

  app.post('/v1/dead-letters/replay', async (request, reply) => {
    const body = replayBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    const outcome = await deps.db
      .transaction()
      .execute((trx) => replayDeadLetters(trx, { ids: body.data.ids, merchantIds: scopeOf(request), actor: actorOf(request), at: deps.clock.now().toJSDate() }));
    return reply.send({
      replayed: outcome.replayed.map((r) => ({ id: String(r.id), outboxId: String(r.outboxId) })),
      refused: outcome.refused.map((r) => ({ id: String(r.id), reason: r.reason })),
    });
  });

  app.post('/v1/dead-letters/:id/replay', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const outcome = await deps.db
      .transaction()
      .execute((trx) => replayDeadLetters(trx, { ids: [params.data.id], merchantIds: scopeOf(request), actor: actorOf(request), at: deps.clock.now().toJSDate() }));
    const refused = outcome.refused[0];
    if (refused?.reason === 'not_found') return reply.code(404).send({ error: 'not_found', message: `no dead letter ${params.data.id}` });
    if (refused) return reply.code(409).send({ error: refused.reason, message: `dead letter ${params.data.id} not replayed: ${refused.reason.replace('_', ' ')}` });
    const done = outcome.replayed[0]!;
    return reply.send({ id: String(done.id), outboxId: String(done.outboxId) });
  });
}
