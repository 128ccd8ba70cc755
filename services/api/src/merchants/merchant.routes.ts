import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, isOperator, merchantScope } from '@parcelwatch/access';
import { apiKeyView } from '../access/api-key-admin.js';
import { createMerchant, findMerchantInScope, listMerchantsInScope, MerchantOnboardingError, merchantView, updateMerchant, type MerchantOnboardingDeps } from './merchant-onboarding.js';
import { describeProblems, parseMerchantCreate, parseMerchantPatch, type ProfileProblem } from './merchant-profile.schema.js';

const idParams = z.object({ id: z.uuid() });

function invalid(reply: FastifyReply, problems: readonly ProfileProblem[]) {
  return reply.code(400).send({ error: 'invalid_request', message: describeProblems(problems), fields: problems });
}

const paramProblems = (error: z.ZodError): ProfileProblem[] => error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));

const notFound = (reply: FastifyReply, id: string) => reply.code(404).send({ error: 'not_found', message: `no merchant ${id}` });

/** The operator (bootstrap admin key) sees every merchant; an admin key its own. */
const scopeOf = (request: FastifyRequest): readonly string[] | null => (isOperator(request) ? null : merchantScope(request));

function conflict(reply: FastifyReply, err: unknown) {
  if (err instanceof MerchantOnboardingError) return reply.code(409).send({ error: err.code, message: err.message });
  throw err;
}

/**
 * Merchant onboarding: the operator creates a merchant with its first admin key (POST, the
 * bootstrap admin key only); that admin reads and updates its own merchant (the route policy
 * says who may call; these routes limit admins to their merchants, 404 for others').
 */
export function registerMerchantRoutes(app: FastifyInstance, deps: MerchantOnboardingDeps): void {
  app.post('/v1/merchants', async (request, reply) => {
    const body = parseMerchantCreate(request.body);
    if (!body.ok) return invalid(reply, body.problems);
    try {
      const onboarded = await createMerchant(deps, { profile: body.value, actor: actorOf(request), adminKey: true });
      const adminKey = onboarded.adminKey!;
      // The only time the admin key is shown.
      return reply.code(201).send({ merchant: merchantView(onboarded.merchant), adminKey: { ...apiKeyView(adminKey.row), key: adminKey.key } });
    } catch (err) {
      return conflict(reply, err);
    }
  });

  app.get('/v1/merchants', async (request, reply) => reply.send({ items: (await listMerchantsInScope(deps, scopeOf(request))).map(merchantView) }));

  app.get('/v1/merchants/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, paramProblems(params.error));
    const row = await findMerchantInScope(deps, params.data.id, scopeOf(request));
    return row === undefined ? notFound(reply, params.data.id) : reply.send(merchantView(row));
  });

  app.patch('/v1/merchants/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return invalid(reply, paramProblems(params.error));
    const body = parseMerchantPatch(request.body);
    if (!body.ok) return invalid(reply, body.problems);
    try {
      const row = await updateMerchant(deps, { id: params.data.id, patch: body.value, scope: scopeOf(request), actor: actorOf(request) });
      return row === undefined ? notFound(reply, params.data.id) : reply.send(merchantView(row));
    } catch (err) {
      return conflict(reply, err);
    }
  });
}
