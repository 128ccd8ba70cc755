import type { Provider } from '@parcelwatch/contracts';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerControlRoutes } from './control/control.routes.js';
import { registerMarketplaceControlRoutes } from './control/marketplace.routes.js';
import { keepRawBody } from './http/raw-body.js';
import type { ProviderDefinition, ProviderReply } from './providers/provider.types.js';
import type { SandboxContext } from './sandbox.context.js';
import type { RequestLogEntry } from './stats/request-stats.js';
import type { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on provider routes; the gate hooks count, rate-limit, authenticate and fault them. */
    provider?: Provider;
  }
}

export interface SandboxServerOptions {
  ctx: SandboxContext;
  providers: readonly ProviderDefinition[];
  webhooks: WebhookDispatcher;
}

function send(reply: FastifyReply, answer: ProviderReply): FastifyReply {
  if (answer.headers) reply.headers(answer.headers);
  return reply.code(answer.status).send(answer.body);
}

/**
 * The sandbox's HTTP app: every provider's routes behind one gate (stats, per-key rate
 * limit, auth, injected faults), plus the /sandbox control routes.
 */
export function buildSandboxServer({ ctx, providers, webhooks }: SandboxServerOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  const definitions = new Map(providers.map((definition) => [definition.provider, definition]));
  const malformed = new WeakSet<FastifyRequest>();
  const logEntries = new WeakMap<FastifyRequest, RequestLogEntry>();

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    keepRawBody(request, text);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      (err as Error & { statusCode?: number }).statusCode = 400;
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    keepRawBody(request, body as string);
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook('preHandler', async (request, reply) => {
    const provider = request.routeOptions.config.provider;
    if (!provider) return;
    const definition = definitions.get(provider)!;
    const { key, error } = definition.identify(request, ctx);
    const entry = ctx.stats.logRequest({ provider, key, method: request.method, path: request.url.split('?')[0]! });
    logEntries.set(request, entry);
    const admitted = ctx.stats.admit(provider, key);
    if (!admitted.allowed) {
      entry.fault = 'over_limit';
      return send(reply, definition.failure('rate_limited', Math.ceil(admitted.retryAfterMs / 1000)));
    }
    if (error) return send(reply, error);
    const settings = ctx.faults.settingsFor(provider);
    const fault = ctx.faults.nextRequestFault(provider);
    entry.fault = fault;
    switch (fault) {
      case 'rate_limited':
        return send(reply, definition.failure('rate_limited', settings.retryAfterSeconds));
      case 'unavailable':
        return send(reply, definition.failure('unavailable', settings.retryAfterSeconds));
      case 'server_error':
        return send(reply, definition.failure('server_error', null));
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, settings.slowMs));
        return;
      case 'malformed':
        malformed.add(request);
        return;
      case null:
        return;
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!malformed.has(request) || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    // A body cut mid-way, as a proxy or a crashed worker sends it: valid start, invalid JSON.
    return payload.slice(0, Math.max(1, Math.floor(payload.length / 2)));
  });

  app.addHook('onResponse', async (request, reply) => {
    const provider = request.routeOptions.config.provider;
    if (!provider) return;
    ctx.stats.recordStatus(provider, reply.statusCode);
    const entry = logEntries.get(request);
    if (entry) entry.status = reply.statusCode;
  });

  for (const definition of providers) definition.routes(app, ctx);
  registerControlRoutes(app, ctx, webhooks);
  registerMarketplaceControlRoutes(app, ctx);
  return app;
}
