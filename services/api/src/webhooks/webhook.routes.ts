import type { FastifyInstance } from 'fastify';
import type { Counter } from 'prom-client';
import type { Logger } from '@parcelwatch/logger';
import type { WebhookIntake } from './webhook-intake.js';
import { isWebhookProvider } from './webhook-signature.js';

const WEBHOOK_BODY_LIMIT = 2 * 1024 * 1024;

/**
 * POST /v1/webhooks/:provider. Registered in its own plugin so that only here every body is
 * kept as raw bytes: the signature covers the exact bytes, which re-serialized JSON would not be.
 */
export function registerWebhookRoutes(app: FastifyInstance, intake: WebhookIntake, logger: Logger, received: Counter<'provider' | 'outcome'>): void {
  app.register(async (hooks) => {
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    hooks.post<{ Params: { provider: string } }>('/v1/webhooks/:provider', { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
      const { provider } = request.params;
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const outcome = await intake.receive(provider, request.headers, raw);
      const label = outcome.kind === 'refused' ? outcome.error : outcome.kind;
      // Unknown path segments share one label, so a scanner cannot grow the series without bound.
      received.inc({ provider: isWebhookProvider(provider) ? provider : 'other', outcome: label });
      switch (outcome.kind) {
        case 'accepted':
          return reply.code(200).send({ status: 'accepted', snapshots: outcome.snapshots });
        case 'ignored':
          logger.info({ provider, trackingNumber: outcome.trackingNumber }, 'webhook for an unknown tracking number ignored');
          return reply.code(202).send({ status: 'ignored', reason: outcome.reason });
        case 'refused':
          logger.warn({ provider, error: outcome.error, reason: outcome.message }, 'webhook refused');
          return reply.code(outcome.status).send({ error: outcome.error, message: outcome.message });
      }
    });
  });
}
