import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { actorOf, merchantScope } from '@parcelwatch/access';
import { ACCOUNT_PROVIDERS, carrierCredentialsSchema } from '@parcelwatch/carriers';
import { NO_SECRET_KEY_MESSAGE } from '@parcelwatch/secrets';
import { CarrierAccountError, carrierAccountView, listAccounts, removeCarrierAccount, storeCarrierAccount, type CarrierAccountDeps } from './carrier-account.keeper.js';

const listQuery = z.strictObject({ merchantId: z.uuid().optional() });
const accountParams = z.object({ merchantId: z.uuid(), provider: z.enum(ACCOUNT_PROVIDERS) });

/** Zod's messages name the field and the rule, never the value: a rejected secret is not echoed. */
function invalid(reply: FastifyReply, error: z.ZodError) {
  return reply.code(400).send({ error: 'invalid_request', message: error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') });
}

const outsideScope = (scope: readonly string[] | null, merchantId: string) => scope !== null && !scope.includes(merchantId);

/**
 * Carrier accounts per merchant (admin keys, the route policy says so), limited to the caller's
 * merchants. The credentials go in and are never shown again: answers carry the provider, the
 * times, a masked hint and the provider's quota where the poller has read it.
 */
export function registerCarrierAccountRoutes(app: FastifyInstance, deps: CarrierAccountDeps): void {
  const keyId = deps.secrets?.keyId ?? null;
  app.post('/v1/carrier-accounts', async (request, reply) => {
    const raw = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : null;
    if (raw === null) return reply.code(400).send({ error: 'invalid_request', message: '(body): expected a JSON object' });
    const { merchantId: rawMerchantId, ...rawCredentials } = raw;
    const merchantId = z.uuid().safeParse(rawMerchantId);
    const credentials = carrierCredentialsSchema.safeParse(rawCredentials);
    if (!merchantId.success || !credentials.success) {
      const issues = [...(merchantId.success ? [] : merchantId.error.issues.map((i) => ({ ...i, path: ['merchantId'] }))), ...(credentials.success ? [] : credentials.error.issues)];
      return invalid(reply, new z.ZodError(issues));
    }
    if (outsideScope(merchantScope(request), merchantId.data)) {
      return reply.code(403).send({ error: 'forbidden', message: `this key is not scoped to merchant ${merchantId.data}` });
    }
    try {
      const stored = await storeCarrierAccount(deps, { merchantId: merchantId.data, credentials: credentials.data, actor: actorOf(request), noKeyMessage: NO_SECRET_KEY_MESSAGE });
      return reply.code(stored.created ? 201 : 200).send(carrierAccountView(stored.view, keyId));
    } catch (err) {
      if (err instanceof CarrierAccountError) return reply.code(err.code === 'secret_key_missing' ? 503 : 422).send({ error: err.code, message: err.message });
      throw err;
    }
  });

  app.get('/v1/carrier-accounts', async (request, reply) => {
    const query = listQuery.safeParse(request.query);
    if (!query.success) return invalid(reply, query.error);
    const scope = merchantScope(request);
    const merchantIds = query.data.merchantId === undefined ? scope : outsideScope(scope, query.data.merchantId) ? [] : [query.data.merchantId];
    return reply.send({ items: (await listAccounts(deps, merchantIds)).map((row) => carrierAccountView(row, keyId)), canStore: deps.secrets !== null });
  });

  app.delete('/v1/carrier-accounts/:merchantId/:provider', async (request, reply) => {
    const params = accountParams.safeParse(request.params);
    if (!params.success) return invalid(reply, params.error);
    const { merchantId, provider } = params.data;
    const removed = outsideScope(merchantScope(request), merchantId) ? undefined : await removeCarrierAccount(deps, { merchantId, provider, actor: actorOf(request) });
    if (removed === undefined) return reply.code(404).send({ error: 'not_found', message: `no ${provider} account for merchant ${merchantId}` });
    return reply.send(carrierAccountView(removed, keyId));
  });
}
