import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { startAccessStack, seedMerchant, type AccessStack, type MerchantWorld } from './access-fixture.js';
import { applyEdits, expectClientError, fuzzParams, jsonOf, oddText, UNPAIRED_SURROGATE } from './fuzz-support.js';

const UNPAIRED_SURROGATES = new RegExp(UNPAIRED_SURROGATE.source, 'g');

/*
 * Properties of the write routes the api serves beside shipments and carrier webhooks, as the
 * embedded stack mounts them: API keys and the audit log, merchant webhook endpoints (create,
 * change, replay, deliveries), compensation approve/reject and appeal bundles. Malformed,
 * huge and odd-unicode bodies, ids and query strings get a 4xx with a JSON message or a 2xx,
 * never a 5xx; text PostgreSQL cannot store (NUL, a lone surrogate) is refused, not stored.
 */

describe('admin and decision routes under fuzzing', () => {
  let s: AccessStack;
  let world: MerchantWorld;

  beforeAll(async () => {
    s = await startAccessStack();
    world = await seedMerchant(s, 'fuzz', 'YT1234567890123456');
  });
  afterAll(async () => s?.close());

  const send = async (method: string, path: string, body?: string, contentType?: string) => {
    const response = await fetch(`${s.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${world.keys.admin.key}`, ...(contentType === undefined ? {} : { 'content-type': contentType }) },
      ...(body === undefined ? {} : { body: Buffer.from(body, 'utf8') }),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, body: type.includes('json') ? jsonOf(text) : text };
  };

  /** What each route accepts, so edits of it explore the edges of its schema. */
  const valid = (): Record<string, Record<string, unknown>> => ({
    apiKey: { name: 'ops laptop', role: 'viewer', merchantIds: [world.merchantId] },
    endpoint: { merchantId: world.merchantId, url: 'http://127.0.0.1:9/hooks', eventTypes: ['parcelwatch.shipment.milestone_reached.v1'] },
    endpointPatch: { url: 'http://127.0.0.1:9/other', eventTypes: null },
    replay: { since: '2026-03-01T00:00:00Z', until: '2026-03-02T00:00:00Z', shipmentId: world.shipmentId },
    approve: { evidence: ['proof:abc'] },
    reject: { reason: 'buyer already refunded by the marketplace' },
    appeal: { requestedBy: 'ops' },
  });
  const ROUTES = [
    { name: 'apiKey', method: 'POST', path: () => '/v1/api-keys', fields: ['name', 'role', 'merchantIds', 'merchantIds.0', 'extra'] },
    { name: 'endpoint', method: 'POST', path: () => '/v1/webhook-endpoints', fields: ['merchantId', 'url', 'eventTypes', 'eventTypes.0', 'secret'] },
    { name: 'endpointPatch', method: 'PATCH', path: () => `/v1/webhook-endpoints/${world.endpointId}`, fields: ['url', 'eventTypes', 'eventTypes.0', 'status'] },
    { name: 'replay', method: 'POST', path: () => `/v1/webhook-endpoints/${world.endpointId}/replay`, fields: ['since', 'until', 'shipmentId'] },
    { name: 'approve', method: 'POST', path: () => `/compensations/${world.compensations[0]}/approve`, fields: ['evidence', 'evidence.0', 'actor', 'actor.id', 'actor.role'] },
    { name: 'reject', method: 'POST', path: () => `/compensations/${world.compensations[1]}/reject`, fields: ['reason', 'actor', 'actor.id'] },
    { name: 'appeal', method: 'POST', path: () => `/v1/shipments/${world.shipmentId}/appeal-bundles`, fields: ['requestedBy', 'extra'] },
  ] as const;
  type RouteName = (typeof ROUTES)[number]['name'];

  const wrong = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    oddText,
    oddText.map((text) => `ops ${text}`),
    fc.constantFrom(null, '', ' ', 0, -1, 1e308, [], {}, 'x'.repeat(10_000), ['x'.repeat(3_000)], 'A\u0000B', 'Jane \uD800', ['\u0000'], 'http://127.0.0.1/\u0000', 'javascript:alert(1)', '2026-02-30T00:00:00Z', '9999-12-31T23:59:60Z', 'admin', 'approver'),
  );

  const edited = (route: RouteName, edits: ReadonlyArray<{ field: string; value: unknown }>) => applyEdits(valid()[route]!, edits);

  const request = fc.constantFrom(...ROUTES).chain((route) =>
    fc.oneof(
      fc
        .array(fc.record({ field: fc.constantFrom(...route.fields), value: fc.option(wrong, { nil: undefined }) }), { minLength: 1, maxLength: 3 })
        .map((edits) => ({ route: route.name, text: JSON.stringify(edited(route.name, edits)) })),
      fc.jsonValue({ maxDepth: 3 }).map((value) => ({ route: route.name, text: JSON.stringify(value) ?? 'null' })),
      fc.oneof(oddText, fc.constantFrom('', '{', '[', 'null', '{"__proto__":{"role":"admin"}}', '{"constructor":{"prototype":{}}}')).map((text) => ({ route: route.name, text })),
    ),
  );

  it('write bodies: malformed, huge and odd-unicode bodies get a 4xx with a message, never a 5xx', async () => {
    const contentType = fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', undefined);
    await fc.assert(
      fc.asyncProperty(request, contentType, async ({ route, text }, type) => {
        const spec = ROUTES.find((candidate) => candidate.name === route)!;
        const response = await send(spec.method, spec.path(), text, type);
        if (response.status >= 200 && response.status < 300) return;
        expectClientError(response.status, response.body, { route, text: text.slice(0, 300), type });
      }),
      {
        ...fuzzParams<[{ route: RouteName; text: string }, string | undefined]>(300),
        // Regressions: text PostgreSQL cannot store in a body reached it and answered 500.
        examples: [
          [{ route: 'apiKey', text: JSON.stringify(edited('apiKey', [{ field: 'name', value: 'A\u0000B' }])) }, 'application/json'],
          [{ route: 'reject', text: JSON.stringify(edited('reject', [{ field: 'reason', value: 'no \uD800' }])) }, 'application/json'],
          [{ route: 'approve', text: JSON.stringify(edited('approve', [{ field: 'evidence.0', value: '\u0000' }])) }, 'application/json'],
        ],
      },
    );
  });

  it('text PostgreSQL cannot store is refused with a 400 naming the field, and nothing is written', async () => {
    const unstorable = fc.tuple(oddText, fc.constantFrom('\u0000', '\uD800', '\uDFFF'), oddText).map(([a, bad, b]) => `${a.replace(UNPAIRED_SURROGATES, '')}x${bad}x${b}`);
    const cases = fc.constantFrom(
      { route: 'apiKey' as const, field: 'name' },
      { route: 'reject' as const, field: 'reason' },
      { route: 'approve' as const, field: 'evidence.0' },
      { route: 'endpointPatch' as const, field: 'url' },
    );
    await fc.assert(
      fc.asyncProperty(cases, unstorable, async ({ route, field }, text) => {
        const spec = ROUTES.find((candidate) => candidate.name === route)!;
        const auditBefore = await s.db.selectFrom('audit_log').select(({ fn }) => fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
        const value = field === 'url' ? `http://127.0.0.1:9/${text}` : text;
        const response = await send(spec.method, spec.path(), JSON.stringify(edited(route, [{ field, value }])), 'application/json');
        expect(response.status).toBe(400);
        expectClientError(response.status, response.body, { route, field });
        expect((response.body as { message: string }).message).toContain(`${field}: must not contain NUL`);
        const auditAfter = await s.db.selectFrom('audit_log').select(({ fn }) => fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
        expect(Number(auditAfter.n)).toBe(Number(auditBefore.n));
      }),
      fuzzParams(60),
    );
  });

  it('ids and query strings: random path ids and parameters get a 4xx with a message or a 200, never a 5xx', async () => {
    const target = fc.constantFrom(
      'GET /v1/api-keys/{id}',
      'DELETE /v1/api-keys/{id}',
      'GET /v1/audit-log',
      'GET /v1/webhook-endpoints',
      'GET /v1/webhook-endpoints/{id}',
      'GET /v1/webhook-endpoints/{id}/deliveries',
      'POST /v1/webhook-endpoints/{id}/enable',
      'GET /compensations',
      'GET /compensations/{id}',
      'POST /compensations/{id}/approve',
      'POST /v1/shipments/{id}/appeal-bundles',
    );
    const name = fc.constantFrom('merchantId', 'shipmentId', 'status', 'limit', 'cursor', 'targetType', 'targetId', 'action', 'x', '', '__proto__', 'limit[]');
    const value = fc.oneof(oddText, fc.constantFrom('', '0', '-1', '1e9', '501', 'NaN', 'pending', 'delivered', 'x'.repeat(500), '%00', '%', '%ZZ', '%C0%80', '%ED%A0%80', '{merchant}'));
    const id = fc.oneof(fc.uuid(), oddText, fc.constantFrom('', '%00', '..', '00000000-0000-0000-0000-000000000000', '{endpoint}', '{key}'));
    const encode = (text: string) =>
      encodeURIComponent(text.replaceAll('{merchant}', world.merchantId).replaceAll('{endpoint}', world.endpointId).replaceAll('{key}', world.keys.viewer.id).replace(UNPAIRED_SURROGATES, '\uFFFD'));
    await fc.assert(
      fc.asyncProperty(target, fc.array(fc.tuple(name, value), { maxLength: 5 }), id, async (route, query, pathId) => {
        const [method, path] = route.split(' ') as [string, string];
        const search = query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
        const url = `${path.replace('{id}', encode(pathId))}${search ? `?${search}` : ''}`;
        // A DELETE of the viewer key only revokes it; the fuzz keeps calling with the admin key.
        const response = await send(method, url, method === 'POST' ? '{}' : undefined, method === 'POST' ? 'application/json' : undefined);
        if (response.status >= 200 && response.status < 300) return;
        expectClientError(response.status, response.body, { url });
      }),
      fuzzParams<[string, Array<[string, string]>, string]>(250),
    );
  });
});
